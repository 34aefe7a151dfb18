import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { NextFunction, Request, Response } from 'express';

export const TOKEN_COOKIE = 'parley_token';

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/**
 * Optional shared-secret auth (`PARLEY_TOKEN`). When a token is configured,
 * every HTTP route and WebSocket needs it: `Authorization: Bearer …`, the
 * `parley_token` cookie (what the browser editor uses), or — on WebSocket
 * upgrades only, since browsers cannot set headers there — `?token=`.
 * Visiting any page with `?token=…` sets the cookie.
 */
export class TokenAuth {
  private readonly expected: Buffer | undefined;

  constructor(token: string | undefined) {
    this.expected = token ? Buffer.from(token) : undefined;
  }

  get enabled(): boolean {
    return this.expected !== undefined;
  }

  private matches(candidate: string | undefined): boolean {
    if (!this.expected) return true;
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    // timingSafeEqual needs equal lengths; the length itself is not secret enough to matter.
    return given.length === this.expected.length && timingSafeEqual(given, this.expected);
  }

  /** For WebSocket upgrades: header, cookie or `?token=`. */
  checkUpgrade(req: IncomingMessage, url: URL): boolean {
    if (!this.expected) return true;
    return (
      this.matches(bearer(req.headers.authorization)) ||
      this.matches(readCookie(req.headers.cookie, TOKEN_COOKIE)) ||
      this.matches(url.searchParams.get('token') ?? undefined)
    );
  }

  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (!this.expected) {
      next();
      return;
    }
    if (
      this.matches(bearer(req.headers.authorization)) ||
      this.matches(readCookie(req.headers.cookie, TOKEN_COOKIE))
    ) {
      next();
      return;
    }
    const query = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (req.method === 'GET' && !req.path.startsWith('/api/') && this.matches(query)) {
      // Opening the editor with ?token=… logs the browser in; the token leaves the address bar.
      res.cookie(TOKEN_COOKIE, query, { httpOnly: true, sameSite: 'strict', path: '/' });
      res.redirect(302, localRedirectPath(req.path));
      return;
    }
    res.status(401).json({
      error:
        'missing or wrong token: send Authorization: Bearer <PARLEY_TOKEN> or the parley_token cookie',
    });
  };
}

/**
 * The path to send a browser back to, which must stay on this server:
 * browsers read `//evil.example` and `/\evil.example` alike as another host,
 * so backslashes become slashes and leading slashes collapse to one.
 */
export function localRedirectPath(path: string): string {
  return `/${path.replace(/\\/g, '/').replace(/^\/+/, '')}`;
}
