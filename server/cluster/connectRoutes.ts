/**
 * `POST /api/connect` — the endpoint Pipecat clients call with `startBotAndConnect({ endpoint })`.
 * It chooses the worker for the call and answers the connection parameters the client's
 * transport reads, pointed at that worker:
 *
 *   { transport: "websocket" } → { wsUrl: "ws://worker/ws/pipecat?graph=NAME" }
 *   { transport: "webrtc" }    → { webrtcRequestParams: { endpoint: "http://worker/api/offer?graph=NAME" } }
 *
 * (field names from @pipecat-ai/websocket-transport and small-webrtc-transport). The graph
 * comes from `?graph=`, else the body's `graph`, else the server's default. Every worker
 * answers; when all are full the answer is 503 with Retry-After. The chosen worker's id is
 * in the `X-Parley-Worker` header (the transports refuse fields they do not know).
 */
import { Router } from 'express';
import { HttpError } from '../http/HttpError.ts';
import { toWebSocketUrl } from '../net/toWebSocketUrl.ts';
import { isValidGraphName } from '../store/graphName.ts';
import type { CallDispatch } from './CallDispatch.ts';

export interface ConnectRouteOptions {
  dispatch: CallDispatch;
  defaultGraph: string;
}

type TransportName = 'websocket' | 'webrtc';

export function connectRoutes(options: ConnectRouteOptions): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const transport = transportOf(body.transport);
    const graph = graphOf(req.query.graph ?? body.graph, options.defaultGraph);
    const chosen = await options.dispatch.choose();
    if (!chosen.ok) {
      res.set('Retry-After', String(chosen.retryAfterS));
      throw new HttpError(503, chosen.reason, { retryAfterS: chosen.retryAfterS });
    }
    const base = chosen.worker.url.replace(/\/+$/, '');
    const query = `?graph=${encodeURIComponent(graph)}`;
    const bearer = req.get('authorization');
    res.set('X-Parley-Worker', chosen.worker.id);
    if (transport === 'websocket') {
      // The WebSocket transport cannot send headers; it appends `token` as `?token=`. The caller
      // proved it holds this token to reach us, so handing it back reveals nothing new.
      const token = /^Bearer\s+(\S+)$/i.exec(bearer ?? '')?.[1];
      res.json({
        wsUrl: `${toWebSocketUrl(base)}/ws/pipecat${query}`,
        ...(token ? { token } : {}),
      });
      return;
    }
    res.json({
      webrtcRequestParams: {
        endpoint: `${base}/api/offer${query}`,
        ...(bearer ? { headers: { Authorization: bearer } } : {}),
      },
    });
  });
  return router;
}

function transportOf(value: unknown): TransportName {
  if (value === undefined || value === 'webrtc') return 'webrtc';
  if (value === 'websocket') return 'websocket';
  throw new HttpError(400, 'invalid request body: transport must be "webrtc" or "websocket"');
}

function graphOf(value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !isValidGraphName(value))
    throw new HttpError(400, 'invalid graph: must be a saved graph name');
  return value;
}
