import type { WebSocket } from 'ws';
import type { Frame, Logger } from '#engine';
import { nestsDeeperThan } from '../../net/jsonDepth.ts';
import { sendBounded } from '../../net/sendBounded.ts';
import type { Session } from '../../sessions/Session.ts';
import type { SessionManager } from '../../sessions/SessionManager.ts';
import { AudioRateConverter } from '../AudioRateConverter.ts';
import { decodePcm16 } from '../decodePcm16.ts';
import { openTransportSession } from '../openTransportSession.ts';
import {
  decodePipecatFrame,
  encodeAudioFrame,
  encodeMessageFrame,
  type PipecatFrame,
  PipecatFrameError,
} from './pipecatFrames.ts';
import {
  parseRtvi,
  RTVI_PROTOCOL_VERSION,
  type RtviMessage,
  rtvi,
  rtviError,
  rtviErrorResponse,
} from './rtvi.ts';
import { rtviForFrame, rtviForOutput } from './rtviForFrame.ts';

export const PIPECAT_TRANSPORT = 'pipecat-websocket';

export interface PipecatConnectionOptions {
  graphName: string;
  sessions: SessionManager;
  logger: Logger;
  redact: (text: string) => string;
  /** Messages larger than this are refused with an error; the session goes on. */
  maxMessageBytes: number;
  /** Rate the graph expects microphone audio at. */
  inputSampleRate?: number;
  /** Rate the Pipecat client plays bot audio at (it ignores the frame's sample_rate). */
  outputSampleRate?: number;
  version: string;
}

const MIN_RATE = 8000;
const MAX_RATE = 48000;
/** Frames that arrive while the graph is still starting (models loading) wait, up to ~5 s of 20 ms audio. */
const MAX_EARLY_FRAMES = 250;
const MAX_TEXT_CHARS = 10_000;
/** RTVI messages are flat; deeper JSON is refused before anything walks it (echoing 10,000 levels would overflow the stack). */
const MAX_JSON_DEPTH = 32;
/** Clients pick one microphone rate; a few switches are fine, a stream of them would spend the event loop on building resamplers. */
const MAX_RATE_SWITCH_BUILDS_PER_MINUTE = 6;

/**
 * One browser (or Node) Pipecat client on `/ws/pipecat`: protobuf
 * `pipecat.Frame`s both ways, RTVI messages inside `message` frames.
 * Microphone audio becomes `audio.in`; graph events become RTVI messages;
 * bot audio, already paced in real time by transport.output, is forwarded
 * at the client's playback rate.
 */
export class PipecatConnection {
  private session: Session | undefined;
  private closed = false;
  private pendingReadyId: string | undefined;
  private readonly early: Array<() => void> = [];
  private readonly inbound: AudioRateConverter;
  private readonly outbound: AudioRateConverter;
  private readonly inputRate: number;
  private readonly outputRate: number;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: PipecatConnectionOptions,
  ) {
    this.inputRate = options.inputSampleRate ?? 16000;
    this.outputRate = options.outputSampleRate ?? 24000;
    this.inbound = new AudioRateConverter(this.inputRate, {
      maxBuildsPerMinute: MAX_RATE_SWITCH_BUILDS_PER_MINUTE,
    });
    this.outbound = new AudioRateConverter(this.outputRate);
    ws.on('message', (data, isBinary) => this.onMessage(toBytes(data), isBinary));
    ws.on('close', () => this.shutdown('client disconnected'));
    void this.open();
  }

  private async open(): Promise<void> {
    const session = await openTransportSession({
      sessions: this.options.sessions,
      graph: this.options.graphName,
      transport: PIPECAT_TRANSPORT,
      ws: this.ws,
      logger: this.options.logger,
      isClosed: () => this.closed,
      onStartFailed: (problem) => {
        this.send(rtviError(this.options.redact(problem.message), true));
        // Close reasons are limited to 123 bytes; the RTVI error carries the whole story.
        this.ws.close(problem.closeCode, problem.message.slice(0, 120));
        this.shutdown('start failed');
      },
      onEnded: (reason) => this.shutdown(reason),
    });
    if (!session) return;
    this.session = session;
    session.on('frame', this.onGraphFrame);
    session.on('output', this.onGraphOutput);
    for (const run of this.early.splice(0)) run();
    if (this.pendingReadyId !== undefined) this.sendBotReady(this.pendingReadyId);
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.early.length = 0;
    this.inbound.destroy();
    this.outbound.destroy();
    this.session?.off('frame', this.onGraphFrame);
    this.session?.off('output', this.onGraphOutput);
    this.session?.close(reason);
  }

  private readonly onGraphFrame = (frame: Frame): void => {
    if (frame.type === 'interrupt') this.outbound.reset();
    const message = rtviForFrame(frame, this.options.redact);
    if (message) this.send(message);
  };

  private readonly onGraphOutput = (frame: Frame): void => {
    if (frame.type === 'audio.out') {
      this.outbound.convert(frame.audio, frame.sampleRate, (samples) => this.sendAudio(samples));
      return;
    }
    for (const message of rtviForOutput(frame)) this.send(message);
  };

  private sendAudio(samples: Int16Array): void {
    sendBounded(this.ws, encodeAudioFrame(samples, this.outputRate));
  }

  private send(message: RtviMessage): void {
    sendBounded(this.ws, encodeMessageFrame(message));
  }

  /** Refuses one message; the session goes on. */
  private refuse(problem: string, id?: string): void {
    this.options.logger.debug({ session: this.session?.id, problem }, 'refused client message');
    this.send(id ? rtviErrorResponse(id, problem) : rtviError(problem, false));
  }

  private onMessage(bytes: Uint8Array, isBinary: boolean): void {
    if (this.closed) return;
    if (bytes.byteLength > this.options.maxMessageBytes) {
      this.refuse(
        `message of ${bytes.byteLength} bytes exceeds the limit of ${this.options.maxMessageBytes}`,
      );
      return;
    }
    if (!isBinary) {
      // Not what the Pipecat client sends, but handy for debugging: RTVI as a JSON text message.
      this.onJson(Buffer.from(bytes).toString('utf8'));
      return;
    }
    let frame: PipecatFrame;
    try {
      frame = decodePipecatFrame(bytes);
    } catch (error) {
      this.refuse(error instanceof PipecatFrameError ? error.message : 'undecodable frame');
      return;
    }
    switch (frame.kind) {
      case 'audio':
        this.onAudio(frame);
        return;
      case 'text':
        this.pushText(frame.text);
        return;
      case 'transcription':
        if (this.checkText(frame.text))
          this.whenStarted((s) =>
            s.push(s.runner.createFrame('transcript.final', { text: frame.text })),
          );
        return;
      case 'message':
        this.onJson(frame.data);
        return;
    }
  }

  private onAudio(frame: Extract<PipecatFrame, { kind: 'audio' }>): void {
    const { sampleRate, numChannels, audio } = frame;
    if (!Number.isInteger(sampleRate) || sampleRate < MIN_RATE || sampleRate > MAX_RATE) {
      this.refuse(
        `audio sample_rate ${sampleRate} is not supported (${MIN_RATE}–${MAX_RATE} Hz, ${this.inputRate} preferred)`,
      );
      return;
    }
    if (numChannels > 1) {
      this.refuse(`audio has ${numChannels} channels; only mono is supported`);
      return;
    }
    if (audio.byteLength === 0 || audio.byteLength % 2 !== 0) {
      this.refuse(`audio payload of ${audio.byteLength} bytes is not 16-bit PCM`);
      return;
    }
    if (!this.inbound.accepts(sampleRate)) {
      this.refuse(
        `audio sample_rate changed too often (more than ${MAX_RATE_SWITCH_BUILDS_PER_MINUTE} new rates a minute); send one rate, ${this.inputRate} preferred`,
      );
      return;
    }
    const samples = decodePcm16(audio);
    this.inbound.convert(samples, sampleRate, (converted) => {
      this.whenStarted((s) =>
        s.push(s.runner.createFrame('audio.in', { audio: converted, sampleRate: this.inputRate })),
      );
    });
  }

  private onJson(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.refuse('message is not valid JSON');
      return;
    }
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
          this.ws.close(1000, 'client asked to disconnect the bot');
          this.shutdown('client asked to disconnect the bot');
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
    this.send(
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
        this.send(rtvi('server-response', { t, d: { pong: true, echo: d ?? null } }, id));
        return;
      case 'session-info':
        this.send(rtvi('server-response', { t, d: session ? session.info : null }, id));
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

  private pushText(text: unknown, id?: string): void {
    if (!this.checkText(text, id)) return;
    this.whenStarted((s) => s.push(s.runner.createFrame('text.input', { text })));
  }

  private whenStarted(run: (session: Session) => void): void {
    if (this.closed) return;
    const session = this.session;
    if (session) {
      run(session);
      return;
    }
    if (this.early.length >= MAX_EARLY_FRAMES) this.early.shift();
    this.early.push(() => this.session && run(this.session));
  }
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
