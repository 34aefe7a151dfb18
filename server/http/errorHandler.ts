import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '#engine';
import type { ErrorBody } from '../api/restTypes.ts';
import {
  GraphExistsError,
  GraphFileError,
  GraphNotFoundError,
  StaleRevisionError,
} from '../store/StoreErrors.ts';
import { HttpError } from './HttpError.ts';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Every failure becomes a JSON `{ error, … }` with a fitting status; details of 500s stay in the log. */
export function errorHandler(logger: Logger) {
  // Typed so that every answer below is checked against the wire's ErrorBody.
  return (error: unknown, req: Request, res: Response<ErrorBody>, _next: NextFunction): void => {
    if (res.headersSent) return;
    if (error instanceof HttpError) {
      res.status(error.status).json({ error: error.message, ...error.body });
      return;
    }
    if (error instanceof StaleRevisionError) {
      res.status(409).json({ error: error.message, currentRevision: error.currentRevision });
      return;
    }
    if (error instanceof GraphExistsError) {
      res.status(409).json({ error: error.message });
      return;
    }
    if (error instanceof GraphFileError) {
      res.status(422).json({ error: error.message, revision: error.revision });
      return;
    }
    if (error instanceof GraphNotFoundError) {
      res.status(404).json({ error: error.message });
      return;
    }
    const parser = error as BodyParserError;
    if (parser?.type === 'entity.too.large') {
      res.status(413).json({ error: 'request body too large' });
      return;
    }
    if (parser?.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'request body is not valid JSON' });
      return;
    }
    if (typeof parser?.status === 'number' && parser.status >= 400 && parser.status < 500) {
      res
        .status(parser.status)
        .json({ error: error instanceof Error ? error.message : 'bad request' });
      return;
    }
    if (isStackOverflow(error)) {
      // Only input can nest this deep (routes refuse bodies past MAX_REQUEST_JSON_DEPTH; this is the net under that):
      // the client's problem, and it says so, instead of a 500 that hides it.
      logger.warn({ path: req.path.slice(0, 200) }, 'request too deeply nested to handle');
      res.status(400).json({ error: 'request is nested too deeply to handle' });
      return;
    }
    logger.error(
      {
        err: error instanceof Error ? error.message.slice(0, 500) : String(error).slice(0, 500),
        path: req.path.slice(0, 200),
      },
      'request failed',
    );
    res.status(500).json({ error: 'internal error' });
  };
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /maximum call stack size exceeded/i.test(error.message);
}
