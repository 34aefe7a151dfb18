import type { Frame, FrameOf, Logger } from '#engine';
import { nestsDeeperThan } from '../../net/jsonDepth.ts';
import type { Session } from '../../sessions/Session.ts';
import type { StartProblem } from '../describeStartError.ts';
import {
  parseRtvi,
  RTVI_PROTOCOL_VERSION,
  type RtviMessage,
  rtvi,
  rtviError,
  rtviErrorResponse,
} from './rtvi.ts';
import { rtviForFrame, rtviForOutput } from './rtviForFrame.ts';

export interface RtviSessionOptions {
  logger: Logger;
  redact: (text: string) => string;
  version: string;
  /** Puts one RTVI message on the wire (protobuf over WebSocket, JSON over a data channel). */
  send(message: RtviMessage): void;
  /** Bot audio, already paced in real time by transport.output. */
  onAudioOut(frame: FrameOf<'audio.out'>): void;
  /** Barge-in: drop whatever bot audio the transport still holds. */
  onInterrupt(): void;
  /** `disconnect-bot` before the session exists: end the client's connection. */
  onDisconnectBeforeStart(reason: string): void;
}

/** Frames that arrive while the graph is still starting (models loading) wait, up to ~5 s of 20 ms audio. */
const MAX_EARLY_FRAMES = 250;
const MAX_TEXT_CHARS = 10_000;
/** RTVI messages are flat; deeper JSON is refused before anything walks it (echoing 10,000 levels would overflow the stack). */
const MAX_JSON_DEPTH = 32;

/**
 * The RTVI half of a Pipecat client connection, whatever carries it:
 * client-ready → bot-ready (held until the graph has started), send-text,
 * client-message, disconnect-bot, refusals; graph events → RTVI messages.
 * Shared by the WebSocket and WebRTC transports so both speak exactly the same RTVI.
 */
export class RtviSession {
  private session: Session | undefined;
  private closed = false;
  private pendingReadyId: string | undefined;
  private readonly early: Array<() => void> = [];

  constructor(private readonly options: RtviSessionOptions) {}

  get current(): Session | undefined {
    return this.session;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The graph is running: subscribe, replay what arrived early, answer a held client-ready. */
  attach(session: Session): void {
    if (this.closed) return;
    this.session = session;
    session.on('frame', this.onGraphFrame);
    session.on('output', this.onGraphOutput);
    for (const run of this.early.splice(0)) run();
    if (this.pendingReadyId !== undefined) this.sendBotReady(this.pendingReadyId);
  }

  /** Stops listening and closes the session (idempotent). */
  close(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.early.length = 0;
    this.session?.off('frame', this.onGraphFrame);
    this.session?.off('output', this.onGraphOutput);
    this.session?.close(reason);
  }

  /** Tells the client why its graph could not start. */
  reportStartFailure(problem: StartProblem): void {
    this.options.send(rtviError(this.options.redact(problem.message), true));
  }

  /** Refuses one message; the session goes on. */
  refuse(problem: string, id?: string): void {
    this.options.logger.debug({ session: this.session?.id, problem }, 'refused client message');
    this.options.send(id ? rtviErrorResponse(id, problem) : rtviError(problem, false));
  }

  /** Runs now if the graph is running, else once it is (bounded; the oldest is dropped). */
  whenStarted(run: (session: Session) => void): void {
    if (this.closed) return;
    const session = this.session;
    if (session) {
      run(session);
      return;
    }
    if (this.early.length >= MAX_EARLY_FRAMES) this.early.shift();
    this.early.push(() => this.session && run(this.session));
  }

  /** One JSON text message from the client. */
  onJson(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.refuse('message is not valid JSON');
      return;
    }
    this.onValue(value);
  }

  /** An already parsed client message (the WebRTC data channel parses to spot signalling). */
  onValue(value: unknown): void {
    if (this.closed) return;
    if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
      this.refuse(`message nests deeper than ${MAX_JSON_DEPTH} levels`);
      return;
    }
    const message = parseRtvi(value);
    if (!message) {
      this.refuse('message is not an RTVI message (needs label "rtvi-ai" and a type)');
      return;
    }
    this.onRtvi(message.type, message.id, message.data);
  }

  pushText(text: unknown, id?: string): void {
    if (!this.checkText(text, id)) return;
    this.whenStarted((s) => s.push(s.runner.createFrame('text.input', { text })));
  }

  pushTranscript(text: unknown): void {
    if (!this.checkText(text)) return;
    this.whenStarted((s) => s.push(s.runner.createFrame('transcript.final', { text })));
  }

  private readonly onGraphFrame = (frame: Frame): void => {
    if (frame.type === 'interrupt') this.options.onInterrupt();
    const message = rtviForFrame(frame, this.options.redact);
    if (message) this.options.send(message);
  };

  private readonly onGraphOutput = (frame: Frame): void => {
    if (frame.type === 'audio.out') {
      this.options.onAudioOut(frame);
      return;
    }
    for (const message of rtviForOutput(frame)) this.options.send(message);
  };

  private onRtvi(type: string, id: string, data: unknown): void {
    const fields = (typeof data === 'object' && data !== null ? data : {}) as Record<
      string,
      unknown
    >;
    switch (type) {
      case 'client-ready':
        if (this.session) this.sendBotReady(id);
        else this.pendingReadyId = id;
        return;
      case 'send-text':
        this.pushText(fields.content, id);
        return;
      case 'client-message':
        this.onClientMessage(id, fields.t, fields.d);
        return;
      case 'disconnect-bot':
        if (this.session) this.session.close('client asked to disconnect the bot');
        else {
          // Still starting: the session is dropped as soon as it exists (openTransportSession sees the connection closed).
          this.options.onDisconnectBeforeStart('client asked to disconnect the bot');
        }
        return;
      default:
        this.refuse(
          `unknown or unsupported RTVI message type '${type.slice(0, 60)}'`,
          id || undefined,
        );
    }
  }

  private sendBotReady(id: string): void {
    this.pendingReadyId = undefined;
    this.options.send(
      rtvi(
        'bot-ready',
        {
          version: RTVI_PROTOCOL_VERSION,
          about: {
            library: 'parley',
            library_version: this.options.version,
            session_id: this.session?.id,
          },
        },
        id,
      ),
    );
  }

  /** Built-in client requests; graphs have no handlers of their own (yet). */
  private onClientMessage(id: string, t: unknown, d: unknown): void {
    if (typeof t !== 'string') {
      this.refuse('client-message needs a string "t"', id || undefined);
      return;
    }
    const session = this.session;
    switch (t) {
      case 'ping':
        this.options.send(rtvi('server-response', { t, d: { pong: true, echo: d ?? null } }, id));
        return;
      case 'session-info':
        this.options.send(rtvi('server-response', { t, d: session ? session.info : null }, id));
        return;
      default:
        this.refuse(`no handler for client message '${t.slice(0, 60)}'`, id || undefined);
    }
  }

  private checkText(text: unknown, id?: string): text is string {
    if (typeof text !== 'string' || text.trim().length === 0) {
      this.refuse('text must be a non-empty string', id);
      return false;
    }
    if (text.length > MAX_TEXT_CHARS) {
      this.refuse(`text of ${text.length} characters exceeds the limit of ${MAX_TEXT_CHARS}`, id);
      return false;
    }
    return true;
  }
}
