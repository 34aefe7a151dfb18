import { timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, Router } from 'express';
import type { Logger } from '#engine';
import type { CallDispatch } from '../../cluster/CallDispatch.ts';
import { toWebSocketUrl } from '../../net/toWebSocketUrl.ts';
import { isValidGraphName } from '../../store/graphName.ts';
import { excerpt } from '../logExcerpt.ts';
import { capGreeting } from './greeting.ts';
import { publicBaseUrl } from './publicBaseUrl.ts';
import type { StreamTickets } from './StreamTickets.ts';
import { isValidTwilioSignature } from './twilioSignature.ts';
import { connectStreamTwiml } from './twiml.ts';

export const TWILIO_STREAM_PATH = '/telephony/twilio/stream';
const REJECT_BUSY_TWIML =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Reject reason="busy"/></Response>';

export interface TwilioRouteOptions {
  /** TWILIO_AUTH_TOKEN: when set, every webhook must carry a valid X-Twilio-Signature. */
  twilioAuthToken?: string;
  /** PARLEY_TOKEN: when set (and no Twilio token), the webhook URL must carry `?token=`. */
  parleyToken?: string;
  /** PUBLIC_URL: the externally visible base URL, for the signature and the stream URL. */
  publicUrl?: string;
  defaultGraph: string;
  tickets: StreamTickets;
  /** Which worker takes the call; its media stream is pointed there. */
  dispatch: CallDispatch;
  logger: Logger;
}

/**
 * `POST /telephony/twilio/voice?graph=NAME` — the Voice webhook of a Twilio
 * number. Answers TwiML that connects the call to our media-stream WebSocket.
 * Mounted ahead of the PARLEY_TOKEN middleware because Twilio cannot send a
 * bearer header; it authenticates itself here instead (see README).
 */
export function twilioRoutes(options: TwilioRouteOptions): Router {
  const router = Router();
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));
  router.post('/voice', async (req: Request, res: Response) => {
    const graph = typeof req.query.graph === 'string' ? req.query.graph : options.defaultGraph;
    if (!isValidGraphName(graph)) {
      res.status(400).type('text/plain').send('invalid graph name');
      return;
    }
    const base = publicBaseUrl(req, options.publicUrl);
    const denied = authenticate(req, base, options);
    if (denied) {
      options.logger.warn(
        { path: excerpt(req.originalUrl), reason: denied.reason },
        'twilio webhook refused',
      );
      res.status(denied.status).type('text/plain').send(denied.reason);
      return;
    }
    const chosen = await options.dispatch.choose();
    if (!chosen.ok) {
      // The caller hears a busy tone; Twilio's fallback URL, if any, is not involved.
      options.logger.warn({ graph, reason: chosen.reason }, 'twilio call refused: no capacity');
      res.type('text/xml').send(REJECT_BUSY_TWIML);
      return;
    }
    // Our own calls keep the URL Twilio reached us at (PUBLIC_URL); another worker's, its advertised URL.
    const streamBase =
      chosen.worker.id === options.dispatch.selfId ? base : chosen.worker.url.replace(/\/+$/, '');
    const parameters: Record<string, string> = { graph };
    if (options.twilioAuthToken || options.parleyToken)
      parameters.ticket = options.tickets.issue(chosen.worker.id);
    if (typeof req.query.greeting === 'string')
      parameters.greeting = capGreeting(req.query.greeting);
    const body = (req.body ?? {}) as Record<string, unknown>;
    options.logger.info(
      {
        graph,
        worker: chosen.worker.id,
        callSid: logValue(body.CallSid),
        from: logValue(body.From),
        to: logValue(body.To),
      },
      'twilio call answered',
    );
    res
      .type('text/xml')
      .send(connectStreamTwiml(toWebSocketUrl(streamBase) + TWILIO_STREAM_PATH, parameters));
  });
  router.use((_req, res) => {
    res.status(404).type('text/plain').send('Not Found');
  });
  return router;
}

function authenticate(
  req: Request,
  base: string,
  options: TwilioRouteOptions,
): { status: number; reason: string } | undefined {
  if (options.twilioAuthToken) {
    const params = (req.body ?? {}) as Record<string, string | string[]>;
    const ok = isValidTwilioSignature(
      options.twilioAuthToken,
      base + req.originalUrl,
      params,
      req.get('x-twilio-signature'),
    );
    return ok ? undefined : { status: 403, reason: 'invalid X-Twilio-Signature' };
  }
  if (options.parleyToken) {
    const given =
      typeof req.query.token === 'string'
        ? req.query.token
        : /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    return given && safeEqual(given, options.parleyToken)
      ? undefined
      : {
          status: 401,
          reason: 'missing or wrong token: add ?token=<PARLEY_TOKEN> to the webhook URL',
        };
  }
  return undefined;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A form field as a log value: Twilio sends short strings; anyone else may send anything (64 KB bodies, repeated fields). */
function logValue(value: unknown): string | undefined {
  return typeof value === 'string' ? excerpt(value) : undefined;
}
