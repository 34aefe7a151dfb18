import type { WebSocket } from 'ws';
import type { Logger } from '#engine';
import { sendBounded } from '../../net/sendBounded.ts';
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
import { RtviSession } from './RtviSession.ts';

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
  private closed = false;
  private readonly rtvi: RtviSession;
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
    this.rtvi = new RtviSession({
      logger: options.logger,
      redact: options.redact,
      version: options.version,
      send: (message) => sendBounded(this.ws, encodeMessageFrame(message)),
      onAudioOut: (frame) =>
        this.outbound.convert(frame.audio, frame.sampleRate, (samples) =>
          sendBounded(this.ws, encodeAudioFrame(samples, this.outputRate)),
        ),
      onInterrupt: () => this.outbound.reset(),
      onDisconnectBeforeStart: (reason) => {
        this.ws.close(1000, reason);
        this.shutdown(reason);
      },
    });
    ws.on('message', (data, isBinary) => this.onMessage(toBytes(data), isBinary));
    ws.on('close', () => this.shutdown('client disconnected'));
    void this.open();
  }

  private async open(): Promise<void> {
    const session = await openTransportSession({
      sessions: this.options.sessions,
      graph: this.options.graphName,
      transport: PIPECAT_TRANSPORT,
      // Close reasons are limited to 123 bytes.
      close: (reason) => this.ws.close(1000, reason.slice(0, 120)),
      logger: this.options.logger,
      isClosed: () => this.closed,
      onStartFailed: (problem) => {
        this.rtvi.reportStartFailure(problem);
        // Close reasons are limited to 123 bytes; the RTVI error carries the whole story.
        this.ws.close(problem.closeCode, problem.message.slice(0, 120));
        this.shutdown('start failed');
      },
      onEnded: (reason) => this.shutdown(reason),
    });
    if (session) this.rtvi.attach(session);
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.inbound.destroy();
    this.outbound.destroy();
    this.rtvi.close(reason);
  }

  private refuse(problem: string): void {
    this.rtvi.refuse(problem);
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
      this.rtvi.onJson(Buffer.from(bytes).toString('utf8'));
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
        this.rtvi.pushText(frame.text);
        return;
      case 'transcription':
        this.rtvi.pushTranscript(frame.text);
        return;
      case 'message':
        this.rtvi.onJson(frame.data);
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
      this.rtvi.whenStarted((s) =>
        s.push(s.runner.createFrame('audio.in', { audio: converted, sampleRate: this.inputRate })),
      );
    });
  }
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return data;
}
