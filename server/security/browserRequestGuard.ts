import type { NextFunction, Request, Response } from 'express';
import { isHostAllowed } from './isHostAllowed.ts';
import { isOriginAllowed } from './isOriginAllowed.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Browser-facing safety that holds without a token:
 * - every request must name a Host the server knows (closes DNS rebinding);
 * - a request that changes state and comes from a browser page must come
 *   from an allowed origin (a cross-site form POST carries its page's Origin);
 * - a body sent to `/api` must be JSON, which a cross-site page cannot send
 *   without a CORS preflight (the server answers none). Body-less requests
 *   (restore, delete) carry no form a page could forge past the Origin check.
 */
export function browserRequestGuard(
  allowedHosts: readonly string[],
  allowedOrigins: readonly string[],
) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!isHostAllowed(req.headers.host, allowedHosts)) {
      res.status(403).json({
        error: `host '${String(req.headers.host).slice(0, 100)}' is not served here: add it to ALLOWED_HOSTS`,
      });
      return;
    }
    if (SAFE_METHODS.has(req.method)) {
      next();
      return;
    }
    if (!isOriginAllowed(req.headers.origin, req.headers.host, allowedOrigins)) {
      res.status(403).json({
        error: `origin '${String(req.headers.origin).slice(0, 100)}' may not change anything here: add it to ALLOWED_ORIGINS`,
      });
      return;
    }
    if (req.path.startsWith('/api/') && hasBody(req) && !req.is('application/json')) {
      res.status(415).json({
        error: `${req.method} ${req.path.slice(0, 100)} needs a JSON body (Content-Type: application/json)`,
      });
      return;
    }
    next();
  };
}

function hasBody(req: Request): boolean {
  return (
    req.headers['content-type'] !== undefined ||
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0
  );
}
