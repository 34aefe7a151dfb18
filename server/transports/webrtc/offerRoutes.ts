import express, { type Request, type Response, Router } from 'express';
import { rejectDeepJsonBody } from '../../http/rejectDeepJsonBody.ts';
import type { ConnectionAdmission } from '../../net/ConnectionAdmission.ts';
import type { GraphStorage } from '../../store/GraphStorage.ts';
import { isValidGraphName } from '../../store/graphName.ts';
import { type OfferBody, parseCandidatesBody, parseOfferBody } from './offerBodies.ts';
import { DEFAULT_OFFER_LIMITS, OfferRateLimiter, type WebRtcOfferLimits } from './offerLimits.ts';
import type { WebRtcConnection, WebRtcConnectionOptions } from './WebRtcConnection.ts';
import type { WebRtcRegistry } from './WebRtcRegistry.ts';

export const OFFER_PATH = '/api/offer';
/** An offer with three m-lines and candidates is ~5–8 kB. */
export const MAX_OFFER_BODY_BYTES = 64 * 1024;

/** What every connection gets, passed through from the server. */
type ConnectionDefaults = Pick<
  WebRtcConnectionOptions,
  'sessions' | 'logger' | 'redact' | 'version' | 'maxMessageBytes' | 'iceServers' | 'timeouts'
>;

export interface OfferRoutesOptions extends ConnectionDefaults {
  registry: WebRtcRegistry;
  admission: ConnectionAdmission;
  /** Who opens a call from this address, for the per-token session limit. */
  callOpenedBy(ip: string): string;
  store: GraphStorage;
  defaultGraph: string;
  /** Per-address offer rate and per-peer candidate cap; defaults when absent. */
  limits?: WebRtcOfferLimits;
}

/**
 * Pipecat SmallWebRTC signalling (design §1, §3.2): `POST` an offer, get the
 * answer with every server candidate in it; `PATCH` trickled candidates by
 * `pc_id`. Every refusal is a 4xx, because the client retries 5xx and gives
 * up on 4xx; capacity is 429 for the same reason.
 */
export function offerRoutes(routeOptions: OfferRoutesOptions): Router {
  const options = { ...routeOptions, limits: routeOptions.limits ?? DEFAULT_OFFER_LIMITS };
  const rate = new OfferRateLimiter(options.limits);
  const router = Router();
  router.use((req, res, next) => {
    if (req.method !== 'POST' && req.method !== 'PATCH') {
      res.status(405).set('Allow', 'POST, PATCH').json({ error: 'use POST or PATCH' });
      return;
    }
    if (!req.is('application/json')) {
      res.status(415).json({ error: 'Content-Type must be application/json' });
      return;
    }
    next();
  });
  router.use(express.json({ limit: MAX_OFFER_BODY_BYTES }), rejectDeepJsonBody());
  router.post('/', (req, res, next) => {
    // Before parsing: every offer (new or restart) costs a UDP socket and SDP work.
    const allowed = rate.take(req.socket.remoteAddress ?? 'unknown');
    if (!allowed.ok) {
      res
        .status(429)
        .set('Retry-After', String(allowed.retryAfterSecs))
        .json({ error: 'too many offers from this address; retry later' });
      return;
    }
    postOffer(req, res, options).catch(next);
  });
  router.patch('/', (req, res) => patchCandidates(req, res, options));
  return router;
}

type Options = OfferRoutesOptions & { limits: WebRtcOfferLimits };

async function postOffer(req: Request, res: Response, options: Options) {
  const parsed = parseOfferBody(req.body);
  if (!parsed.ok) {
    res.status(400).json({ error: parsed.error });
    return;
  }
  const offer = parsed.value;
  const existing = offer.pcId === undefined ? undefined : options.registry.get(offer.pcId);
  if (existing && !offer.restartPc) {
    // Renegotiation on the same peer connection and session.
    await answerWith(res, existing, offer, false);
    return;
  }
  if (existing) {
    // Restart (design §3.2): a new peer for the same session, answered under the same pc_id.
    await restartWith(res, existing, offer);
    return;
  }
  if (offer.restartPc && offer.pcId !== undefined) {
    // Its session ended (grace over, or the server restarted): a 4xx stops the client's retries.
    res.status(404).json({ error: 'Peer connection not found; connect again' });
    return;
  }
  const graph = await chooseGraph(req, offer, options);
  if ('error' in graph) {
    res.status(graph.status).json({ error: graph.error });
    return;
  }
  if (options.registry.isFull) {
    res.status(429).json({ error: 'server is at its limit of WebRTC connections' });
    return;
  }
  const ip = req.socket.remoteAddress ?? 'unknown';
  const admitted = options.admission.admit(ip, options.callOpenedBy(ip));
  if (!admitted.ok) {
    options.logger.warn({ surface: 'webrtc', ip, reason: admitted.reason }, 'offer refused');
    res.status(429).json({ error: admitted.reason });
    return;
  }
  const connection = options.registry.create({
    graphName: graph.name,
    sessions: options.sessions,
    logger: options.logger,
    redact: options.redact,
    version: options.version,
    maxMessageBytes: options.maxMessageBytes,
    iceServers: options.iceServers,
    timeouts: options.timeouts,
    maxCandidates: options.limits.maxCandidatesPerPeer,
    onClosed: admitted.release,
  });
  await answerWith(res, connection, offer, true);
}

async function answerWith(
  res: Response,
  connection: WebRtcConnection,
  offer: OfferBody,
  isNew: boolean,
): Promise<void> {
  let answer: { sdp: string; type: 'answer' };
  try {
    answer = await connection.answer(offer.sdp);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (isNew) connection.close('offer could not be answered');
    res.status(400).json({ error: `could not answer the offer: ${message.slice(0, 200)}` });
    return;
  }
  res.json({ ...answer, pc_id: connection.pcId });
  if (isNew) connection.start();
}

async function restartWith(res: Response, connection: WebRtcConnection, offer: OfferBody) {
  try {
    const answer = await connection.restart(offer.sdp);
    res.json({ ...answer, pc_id: connection.pcId });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The old peer is already gone: without a new one the session has no way to the client.
    connection.close('restart offer could not be answered');
    res.status(400).json({ error: `could not answer the offer: ${message.slice(0, 200)}` });
  }
}

async function chooseGraph(
  req: Request,
  offer: OfferBody,
  options: OfferRoutesOptions,
): Promise<{ name: string } | { status: number; error: string }> {
  const fromQuery = req.query.graph;
  const name = fromQuery ?? offer.graph ?? options.defaultGraph;
  if (typeof name !== 'string' || !isValidGraphName(name))
    return { status: 400, error: 'graph must be a valid graph name' };
  // Checked before any media is set up: a 4xx tells the client not to retry.
  const stored = await options.store.get(name).catch(() => undefined);
  if (!stored) return { status: 404, error: `no graph named '${name}'` };
  return { name };
}

function patchCandidates(req: Request, res: Response, options: Options): void {
  const parsed = parseCandidatesBody(req.body);
  if (!parsed.ok) {
    res.status(400).json({ error: parsed.error });
    return;
  }
  const connection = options.registry.get(parsed.value.pcId);
  if (!connection) {
    res.status(404).json({ error: 'Peer connection not found' });
    return;
  }
  // Answered before the candidates are applied: werift may take ~30 s on an mDNS one.
  if (!connection.addCandidates(parsed.value.candidates)) {
    res.status(400).json({
      error: `more than ${options.limits.maxCandidatesPerPeer} ICE candidates for this peer`,
    });
    return;
  }
  res.json({ status: 'success' });
}
