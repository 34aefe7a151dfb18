import type { Logger } from '#engine';
import type { Session } from '../sessions/Session.ts';
import type { SessionManager } from '../sessions/SessionManager.ts';
import { describeStartError, type StartProblem } from './describeStartError.ts';

export interface OpenTransportSessionOptions {
  sessions: SessionManager;
  graph: string;
  transport: string;
  /**
   * Ends the client's connection when the session ends on its own (a WebSocket
   * closes with 1000 and this reason; WebRTC says `peerLeft` and closes the pc).
   * Not called when the client has already gone.
   */
  close(reason: string): void;
  logger: Logger;
  /** Whether the client has gone; checked once the graph is running. */
  isClosed(): boolean;
  /** Says why in the transport's own words (RTVI error, Realtime `error`, …); the connection is the caller's to close. */
  onStartFailed(problem: StartProblem): void;
  /** The session ended (hang-up, error, server shutdown): release the transport's side. */
  onEnded(reason: string): void;
  /** Why the session is dropped when the client left while it started. */
  abandonReason?: string;
}

/**
 * What every transport does to start a session: open the graph,
 * report a failure in words that name the graph, node and variable, drop a
 * session whose client left while the graph was starting, and end the
 * client's connection when the session ends. Resolves undefined when there is no session.
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
    if (!options.isClosed()) options.close(`session ended: ${reason}`);
    options.onEnded(reason);
  });
  return session;
}
