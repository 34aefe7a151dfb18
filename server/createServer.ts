import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import express, { type Express } from 'express';
import { type WebSocket, WebSocketServer } from 'ws';
import { createLogger, type Logger, type NodeRegistry } from '#engine';
import { type ClusterContext, clusterContextOf } from './cluster/ClusterContext.ts';
import {
  ClusterMember,
  type ClusterSettings,
  clusterSettingsFromEnv,
} from './cluster/ClusterMember.ts';
import { ClusterSessions, LOCAL_SCOPE } from './cluster/ClusterSessions.ts';
import { connectRoutes } from './cluster/connectRoutes.ts';
import { waitForSessionsToEnd } from './cluster/drainSessions.ts';
import { watchSessionElsewhere } from './cluster/liveProxy.ts';
import { newSessionId } from './cluster/sessionIds.ts';
import { editorAssets } from './http/editorAssets.ts';
import { errorHandler } from './http/errorHandler.ts';
import { graphRoutes } from './http/graphRoutes.ts';
import { healthRoutes } from './http/healthRoutes.ts';
import { nodeTypeRoutes } from './http/nodeTypeRoutes.ts';
import { rejectDeepJsonBody } from './http/rejectDeepJsonBody.ts';
import { sessionRoutes } from './http/sessionRoutes.ts';
import { LiveChannel } from './live/LiveChannel.ts';
import { answerClientError } from './net/answerClientError.ts';
import { ConnectionAdmission } from './net/ConnectionAdmission.ts';
import { CloseCode } from './net/closeCodes.ts';
import { guardSocket } from './net/guardSocket.ts';
import { limitsFromEnv, type ServerLimits } from './net/ServerLimits.ts';
import { Observability, type ObservabilitySettings } from './observability/Observability.ts';
import type { EscapedErrors } from './process/lastLineOfDefence.ts';
import { type ScenarioSettings, scenarioSettingsFromEnv } from './scenarios/ScenarioSettings.ts';
import { scenarioRoutes } from './scenarios/scenarioRoutes.ts';
import { browserRequestGuard } from './security/browserRequestGuard.ts';
import { createRedactor } from './security/createRedactor.ts';
import { isHostAllowed, parseAllowedHosts } from './security/isHostAllowed.ts';
import { isOriginAllowed, parseAllowedOrigins } from './security/isOriginAllowed.ts';
import { TokenAuth } from './security/TokenAuth.ts';
import { SessionManager } from './sessions/SessionManager.ts';
import { createGraphStore } from './store/createGraphStore.ts';
import type { GraphStorage } from './store/GraphStorage.ts';
import { isValidGraphName } from './store/graphName.ts';
import { PipecatConnection } from './transports/pipecat/PipecatConnection.ts';
import { RealtimeConnection } from './transports/realtime/RealtimeConnection.ts';
import {
  isRealtimeUpgradeAuthorized,
  REALTIME_PATH,
  selectSubprotocol,
} from './transports/realtime/realtimeAuth.ts';
import { StreamTickets } from './transports/twilio/StreamTickets.ts';
import { DEFAULT_GREETING, TwilioConnection } from './transports/twilio/TwilioConnection.ts';
import { TWILIO_STREAM_PATH, twilioRoutes } from './transports/twilio/twilioRoutes.ts';
import { iceServersFromEnv } from './transports/webrtc/iceServers.ts';
import { offerLimitsFromEnv } from './transports/webrtc/offerLimits.ts';
import { OFFER_PATH, offerRoutes } from './transports/webrtc/offerRoutes.ts';
import {
  DEFAULT_WEBRTC_TIMEOUTS,
  type WebRtcTimeouts,
} from './transports/webrtc/WebRtcConnection.ts';
import { WebRtcRegistry } from './transports/webrtc/WebRtcRegistry.ts';

export interface ServerOptions {
  registry: NodeRegistry;
  graphsDir: string;
  /** Where credentials (and PARLEY_TOKEN, ALLOWED_ORIGINS) are read from; main passes process.env. */
  env: Record<string, string | undefined>;
  /** Overrides env.PARLEY_TOKEN. */
  token?: string;
  logger?: Logger;
  /** Built editor assets; default `editor/dist` next to the server. Served only if it exists. */
  editorDir?: string;
  /** Default 1 MB: the cap on JSON bodies and on WebSocket messages. */
  maxMessageBytes?: number;
  /** How long a hot reload waits for the bot to finish speaking before replacing processors. */
  reloadQuietTimeoutMs?: number;
  /** Live channel tick; default 250 ms (4 Hz). */
  liveIntervalMs?: number;
  /** Watch the graphs directory for edits on disk (default true). */
  watch?: boolean;
  /** Overrides the abuse limits read from the environment (PARLEY_MAX_CONNECTIONS, …). */
  limits?: Partial<ServerLimits>;
  /** The process's count of escaped errors (main installs the last line of defence), reported by /api/health. */
  escapedErrors?: EscapedErrors;
  /** Overrides the WebRTC connection-life bounds (tests shorten them). */
  webrtcTimeouts?: Partial<WebRtcTimeouts>;
  /** Overrides the Tests panel's settings read from the environment (PARLEY_SCENARIOS_DIR, …). */
  scenarios?: Partial<ScenarioSettings>;
  /** Metrics and traces beyond the environment's settings: a test's span exporter, the worker id (docs/observability.md). */
  observability?: ObservabilitySettings;
  /** Overrides the cluster settings read from the environment (REDIS_URL, PARLEY_WORKER_*). */
  cluster?: Partial<ClusterSettings>;
  /**
   * The cluster's Redis client and worker registry for the shared graph store, the
   * cluster-wide sessions API and the live view across workers. Default: the cluster
   * member's (REDIS_URL); tests pass their own. None → graphs on disk, local sessions.
   */
  clusterContext?: ClusterContext;
  /** A graph store to run on instead of the one chosen above; the server inits and closes it. */
  graphStore?: GraphStorage;
}

export interface ParleyServer {
  app: Express;
  httpServer: Server;
  sessions: SessionManager;
  store: GraphStorage;
  /** Live WebRTC peers by pc_id. */
  webrtc: WebRtcRegistry;
  /** This process as a cluster worker (a cluster of one without REDIS_URL). */
  cluster: ClusterMember;
  listen(port: number, host?: string): Promise<{ url: string }>;
  /**
   * Stops taking new calls (dispatch passes this worker over, /readyz answers 503), waits up
   * to `timeoutMs` for live calls to end, then closes what is left and the server.
   */
  drain(timeoutMs: number): Promise<{ endedByThemselves: number; cutOff: number }>;
  close(): Promise<void>;
}

const VERSION = '0.1.0';
/** WebSocket frames beyond this are cut off by the socket itself; between maxMessageBytes and this they get an error reply. */
const HARD_WS_LIMIT_FACTOR = 4;
const DEFAULT_WEBRTC_MAX_CONNECTIONS = 50;

/** Builds the Parley HTTP + WebSocket server. Nothing listens until `listen()`. */
export function createServer(options: ServerOptions): ParleyServer {
  const logger = options.logger ?? createLogger();
  const env = options.env;
  const maxMessageBytes = options.maxMessageBytes ?? 1024 * 1024;
  const auth = new TokenAuth(options.token ?? env.PARLEY_TOKEN);
  const allowedOrigins = parseAllowedOrigins(env.ALLOWED_ORIGINS);
  const allowedHosts = parseAllowedHosts(env.ALLOWED_HOSTS, env.PUBLIC_URL);
  const limits = limitsFromEnv(env, options.limits);
  const admission = new ConnectionAdmission(limits);
  const redact = createRedactor(options.registry, {
    ...env,
    PARLEY_TOKEN: options.token ?? env.PARLEY_TOKEN,
  });

  let started = false;
  const cluster = new ClusterMember(
    { ...clusterSettingsFromEnv(env), ...options.cluster },
    () => sessions.size,
    logger,
  );
  // In a cluster the graph store, the sessions API and the live view are shared through Redis and the registry.
  const clusterContext = options.clusterContext ?? clusterContextOf(cluster);
  const store = options.graphStore ?? createGraphStore(options.graphsDir, clusterContext, logger);
  const clusterSessions =
    clusterContext &&
    new ClusterSessions({
      directory: clusterContext.directory,
      token: options.token ?? env.PARLEY_TOKEN,
      logger,
    });
  const sessions = new SessionManager({
    registry: options.registry,
    env,
    store,
    logger,
    quietTimeoutMs: options.reloadQuietTimeoutMs,
    newId: clusterContext && (() => newSessionId(clusterContext.directory.selfId)),
  });
  const live = new LiveChannel({
    sessions,
    redact,
    intervalMs: options.liveIntervalMs,
    watchElsewhere:
      clusterSessions && ((ws, id) => watchSessionElsewhere(ws, id, clusterSessions, logger)),
  });
  const observability = new Observability({
    ...options.observability,
    workerId: options.observability?.workerId ?? cluster.id,
    capacity: options.observability?.capacity ?? cluster.capacity,
    sessions,
    env,
    logger,
  });

  const token = options.token ?? env.PARLEY_TOKEN;
  const defaultGraph = env.DEFAULT_GRAPH ?? 'voice-agent';
  const twilioTickets = new StreamTickets(cluster.id, env.TWILIO_AUTH_TOKEN || token || undefined);
  const webrtc = new WebRtcRegistry(
    positiveInt(env.PARLEY_WEBRTC_MAX_CONNECTIONS) ?? DEFAULT_WEBRTC_MAX_CONNECTIONS,
  );
  const callOpenedBy = (ip: string) => (auth.enabled ? 'token' : `address ${ip}`);

  const app = express();
  app.disable('x-powered-by');
  app.use(browserRequestGuard(allowedHosts, allowedOrigins));
  // Before the token middleware: Twilio cannot send a bearer header; these routes check Twilio's signature or ?token= themselves.
  app.use(
    '/telephony/twilio',
    twilioRoutes({
      twilioAuthToken: env.TWILIO_AUTH_TOKEN,
      parleyToken: token,
      publicUrl: env.PUBLIC_URL,
      defaultGraph: env.TWILIO_DEFAULT_GRAPH ?? 'phone-bot',
      tickets: twilioTickets,
      dispatch: cluster.dispatch,
      logger,
    }),
  );
  app.use(healthRoutes(() => cluster.readiness(started)));
  app.use(auth.middleware);
  // Behind the token like /api: a Prometheus scrape config sends it as `authorization: { credentials }`.
  app.get('/metrics', observability.metricsRoute);
  // A draining worker finishes its calls but starts no new peer (trickle and renegotiation go on).
  app.post(OFFER_PATH, (_req, res, next) => {
    if (!cluster.isDraining) return next();
    res.set('Retry-After', '5').status(503).json({ error: 'this server is draining' });
  });
  // Before the /api JSON parser: offers have their own, smaller body limit.
  app.use(
    OFFER_PATH,
    offerRoutes({
      registry: webrtc,
      admission,
      callOpenedBy,
      sessions,
      store,
      defaultGraph,
      logger,
      redact,
      version: VERSION,
      maxMessageBytes,
      iceServers: iceServersFromEnv(env.PARLEY_ICE_SERVERS),
      timeouts: { ...DEFAULT_WEBRTC_TIMEOUTS, ...options.webrtcTimeouts },
      limits: offerLimitsFromEnv(env),
    }),
  );
  app.use('/api', express.json({ limit: maxMessageBytes }), rejectDeepJsonBody());
  app.get('/api/health', (_req, res) => {
    res.json({
      ok: true,
      sessions: sessions.size,
      connections: admission.openConnections,
      escapedErrors: options.escapedErrors?.count ?? 0,
    });
  });
  app.use('/api/connect', connectRoutes({ dispatch: cluster.dispatch, defaultGraph }));
  app.use('/api/graphs', graphRoutes({ store, sessions, registry: options.registry }));
  app.use('/api/node-types', nodeTypeRoutes(options.registry, env));
  app.use('/api/sessions', sessionRoutes(sessions, clusterSessions));
  const scenarioApi = scenarioRoutes({
    settings: scenarioSettingsFromEnv(env, options.scenarios),
    registry: options.registry,
    store,
    sessions,
    env,
    logger,
  });
  app.use('/api/scenarios', scenarioApi.router);
  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'no such API route' });
  });
  const editor = editorAssets(
    options.editorDir ?? path.resolve(import.meta.dirname, '../editor/dist'),
  );
  if (editor) app.use(editor);
  app.use(errorHandler(logger));

  const httpServer = createHttpServer(app);
  // A client that trickles its headers or body (slowloris) holds a socket: bound both. Bodies are ≤ 1 MB.
  httpServer.headersTimeout = 15_000;
  httpServer.requestTimeout = 60_000;
  httpServer.on('clientError', answerClientError);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxMessageBytes * HARD_WS_LIMIT_FACTOR,
    handleProtocols: selectSubprotocol,
  });

  httpServer.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node drops its own error handler from an upgrading socket; a client that
    // resets it before `ws` takes over must not become an uncaught exception.
    socket.on('error', (error) =>
      logger.debug({ err: error, url: req.url }, 'upgrade socket error'),
    );
    const reject = (status: number, message: string) => {
      socket.write(
        `HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${message}\n`,
      );
      socket.destroy();
    };
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      reject(400, 'Bad Request');
      return;
    }
    if (!isHostAllowed(req.headers.host, allowedHosts)) {
      reject(403, 'Forbidden host');
      return;
    }
    if (!isOriginAllowed(req.headers.origin, req.headers.host, allowedOrigins)) {
      logger.warn(
        { origin: String(req.headers.origin).slice(0, 100), path: url.pathname.slice(0, 100) },
        'websocket origin refused',
      );
      reject(403, 'Forbidden origin');
      return;
    }
    const route = routeUpgrade(req, url);
    if ('status' in route) {
      reject(route.status, route.message);
      return;
    }
    if (cluster.isDraining && route.callOpenedBy) {
      reject(503, 'Server is draining');
      return;
    }
    const ip = req.socket.remoteAddress ?? 'unknown';
    const admitted = admission.admit(ip, route.callOpenedBy?.(ip));
    if (!admitted.ok) {
      logger.warn(
        { surface: route.surface, ip, reason: admitted.reason },
        'websocket refused at its limit',
      );
      reject(admitted.status, admitted.reason);
      return;
    }
    // The TCP socket's close, not the WebSocket's: a handshake that fails never makes a WebSocket.
    socket.once('close', admitted.release);
    wss.handleUpgrade(req, socket, head, (ws) => {
      guardSocket(ws, { surface: route.surface, ip, logger, limits });
      try {
        route.accept(ws);
      } catch (error) {
        logger.error({ err: error, surface: route.surface }, 'could not accept a websocket');
        ws.close(CloseCode.internalError, 'internal error');
      }
    });
  });

  interface UpgradeRoute {
    surface: string;
    /** For sockets that start a call: who opens it, for the per-token session limit. */
    callOpenedBy?: (ip: string) => string;
    accept(ws: WebSocket): void;
  }

  /** Which surface an upgrade is for, after its own auth check; or the HTTP answer that refuses it. */
  function routeUpgrade(
    req: IncomingMessage,
    url: URL,
  ): UpgradeRoute | { status: number; message: string } {
    if (url.pathname === TWILIO_STREAM_PATH) {
      // Twilio sends neither headers nor query strings we choose: the stream proves itself with the webhook's ticket in `start`.
      const requireTicket = Boolean(env.TWILIO_AUTH_TOKEN || token);
      return {
        surface: 'twilio',
        // Calls arrive from Twilio's few addresses: they count against one key, not an address each.
        callOpenedBy: () => 'twilio',
        accept: (ws) =>
          new TwilioConnection(ws, {
            sessions,
            logger,
            tickets: twilioTickets,
            requireTicket,
            defaultGraph: env.TWILIO_DEFAULT_GRAPH ?? 'phone-bot',
            greeting: env.TWILIO_GREETING ?? DEFAULT_GREETING,
          }),
      };
    }
    if (url.pathname === REALTIME_PATH) {
      if (!isRealtimeUpgradeAuthorized(req, url, auth, token))
        return { status: 401, message: 'Unauthorized' };
      const graphName = url.searchParams.get('graph') ?? undefined;
      if (graphName !== undefined && !isValidGraphName(graphName))
        return { status: 400, message: 'Invalid graph name' };
      const model = url.searchParams.get('model') ?? undefined;
      return {
        surface: 'realtime',
        callOpenedBy,
        accept: (ws) =>
          new RealtimeConnection(ws, {
            graphName,
            model,
            defaultGraph: env.DEFAULT_REALTIME_GRAPH ?? defaultGraph,
            sessions,
            store,
            logger,
            redact,
            maxMessageBytes,
          }),
      };
    }
    if (!auth.checkUpgrade(req, url)) return { status: 401, message: 'Unauthorized' };
    if (url.pathname === '/ws/pipecat') {
      const graphName = url.searchParams.get('graph') ?? defaultGraph;
      if (!isValidGraphName(graphName)) return { status: 400, message: 'Invalid graph name' };
      return {
        surface: 'pipecat',
        callOpenedBy,
        accept: (ws) =>
          new PipecatConnection(ws, {
            graphName,
            sessions,
            logger,
            redact,
            maxMessageBytes,
            version: VERSION,
          }),
      };
    }
    if (url.pathname === '/ws/live') {
      const sessionId = url.searchParams.get('session');
      return {
        surface: 'live',
        accept: (ws) =>
          sessionId
            ? live.attachSession(ws, sessionId, url.searchParams.get('scope') === LOCAL_SCOPE)
            : live.attachList(ws),
      };
    }
    return { status: 404, message: 'Not Found' };
  }

  return {
    app,
    httpServer,
    sessions,
    store,
    webrtc,
    cluster,
    async listen(port: number, host = '127.0.0.1') {
      if (!started) {
        await store.init();
        if (options.watch !== false) store.watch();
        started = true;
      }
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      const address = httpServer.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      const url = `http://${shownHost}:${address.port}`;
      logger.info(
        { url, graphsDir: options.graphsDir, auth: auth.enabled },
        'parley server listening',
      );
      cluster.start(url);
      return { url };
    },
    async drain(timeoutMs) {
      await cluster.drain();
      const before = sessions.size;
      logger.info({ sessions: before, timeoutMs }, 'draining: no new calls, waiting for live ones');
      const cutOff = await waitForSessionsToEnd(sessions, timeoutMs);
      if (cutOff > 0) logger.warn({ cutOff }, 'drain timed out; ending the calls still live');
      await this.close();
      return { endedByThemselves: before - cutOff, cutOff };
    },
    async close() {
      scenarioApi.close();
      webrtc.closeAll('server shutting down');
      sessions.closeAll('server shutting down');
      await sessions.recordingsWritten();
      // After the sessions ended: their conversation spans are complete and go out in this flush.
      await observability.close();
      store.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      httpServer.closeAllConnections();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await cluster.stop();
    },
  };
}

function positiveInt(raw: string | undefined): number | undefined {
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
