import type { WebSocket } from 'ws';
import type { Logger } from '#engine';
import type { Session } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { describeStartError, type StartProblem } from './describeStartError.ts';

export interface OpenTransportSessionOptions {
  sessions: SessionManager;
  graph: string;
  transport: string;
  /** The client's socket: closed (1000) when the session ends on its own. */
  ws: WebSocket;
  logger: Logger;
  /** Whether the client has gone; checked once the graph is running. */
  isClosed(): boolean;
  /** Says why in the transport's own words (RTVI error, Realtime `error`, …); the socket is the caller's to close. */
  onStartFailed(problem: StartProblem): void;
  /** The session ended (hang-up, error, server shutdown): release the transport's side. */
  onEnded(reason: string): void;
  /** Why the session is dropped when the client left while it started. */
  abandonReason?: string;
}

/**
 * What every WebSocket transport does to start a session: open the graph,
 * report a failure in words that name the graph, node and variable, drop a
 * session whose client left while the graph was starting, and close the
 * socket when the session ends. Resolves undefined when there is no session.
 */
export async function openTransportSession(
  options: OpenTransportSessionOptions,
): Promise<Session | undefined> {
  let session: Session;
  try {
    session = await options.sessions.open(options.graph, options.transport);
  } catch (error) {
    const problem = describeStartError(error, options.graph);
    options.logger.warn(
      { graph: options.graph, transport: options.transport, err: problem.message },
      'session could not start',
    );
    options.onStartFailed(problem);
    return undefined;
  }
  if (options.isClosed()) {
    session.close(options.abandonReason ?? 'client disconnected while starting');
    return undefined;
  }
  session.once('ended', (reason) => {
    // Close reasons are limited to 123 bytes.
    if (!options.isClosed()) options.ws.close(1000, `session ended: ${reason}`.slice(0, 120));
    options.onEnded(reason);
  });
  return session;
}
