import type { NextFunction, Request, Response } from 'express';
import { nestsDeeperThan } from '../net/jsonDepth.ts';
import { HttpError } from './HttpError.ts';

/**
 * How deep a JSON request body may nest. `express.json` parses any depth
 * (V8's parser is iterative), but every recursive walk afterwards — zod,
 * JSON.stringify when the body is saved or echoed — overflows the stack
 * somewhere past ~10,000 levels. No API body needs more than a graph
 * document (GRAPH_LIMITS.maxDepth, 32) inside `{ graph }`.
 */
export const MAX_REQUEST_JSON_DEPTH = 64;

/** After `express.json`: a body nested deeper than the limit is a 400 naming the limit, before any route walks it. */
export function rejectDeepJsonBody(maxDepth = MAX_REQUEST_JSON_DEPTH) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (nestsDeeperThan(req.body, maxDepth)) {
      next(
        new HttpError(
          400,
          `request body nests deeper than ${maxDepth} levels of arrays and objects`,
        ),
      );
      return;
    }
    next();
  };
}
