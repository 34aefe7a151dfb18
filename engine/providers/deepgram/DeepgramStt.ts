import type { Deepgram, DeepgramClient } from '@deepgram/sdk';
import { AudioCoalescer } from '../../audio/AudioCoalescer.ts';
import type { TimerHandle } from '../../core/Clock.ts';
import { FrameProcessor, type Direction } from '../../core/FrameProcessor.ts';
import type { Frame, FrameOf } from '../../core/frames.ts';
import { createDeepgramClient, type DeepgramConnection, type DeepgramListenSocket } from './createDeepgramClient.ts';
import { OrderedInbox } from './OrderedInbox.ts';
import { redactSecret } from '../../services/redactSecret.ts';

export interface DeepgramSttSettings {
  model: string;
  /** BCP-47 tag such as en-US, or 'multi'. */
  language: string;
  smartFormat: boolean;
  /** Silence after which Deepgram finalises a phrase on its own (ms). */
  endpointingMs: number;
  /** Send UtteranceEnd after this gap between words (ms); 0 = off. */
  utteranceEndMs: number;
  /** Keywords to boost (Nova-3 key terms). */
  keyterms: string[];
  /** Deepgram closes an idle stream after 10 s; a KeepAlive is sent after this much time without audio (ms). */
  keepAliveMs: number;
  /** Audio held while (re)connecting, sent once the socket opens (ms). */
  maxBufferedMs: number;
  /** Wait this long before reconnecting after a failure (ms). */
  reconnectDelayMs: number;
  /**
   * Audio is sent in packets of at least this much (ms; default 60): one
   * message per 20 ms microphone chunk costs a write per chunk per session.
   * The end of an utterance is flushed at once, before `Finalize`, so only
   * interim results can arrive up to this much later.
   */
  sendChunkMs?: number;
  /**
   * Packet size while the VAD hears no speech (ms; default 200, within
   * Deepgram's recommended 20–250 ms). Most of a conversation is the user
   * listening, and nothing waits on transcripts of silence: fewer, larger
   * writes there save a third of a session's socket CPU. When speech starts
   * what is held is sent at once, and packets go back to `sendChunkMs`.
   */
  quietSendChunkMs?: number;
}

const DEFAULT_SEND_CHUNK_MS = 60;
const DEFAULT_QUIET_SEND_CHUNK_MS = 200;

type ListenMessage = Deepgram.listen.ListenV1Results | Deepgram.listen.ListenV1Metadata | Deepgram.listen.ListenV1UtteranceEnd | Deepgram.listen.ListenV1SpeechStarted;

/**
 * Streaming speech-to-text over Deepgram's live WebSocket through the official
 * `@deepgram/sdk`: interim results become `transcript.interim`, finalised
 * phrases (`is_final`) `transcript.final`. When the VAD says the user
 * stopped, a `Finalize` makes Deepgram flush at once instead of waiting for
 * its own endpointing. The connection opens at start, is kept alive through
 * silences, and is reopened after a drop; audio that arrives meanwhile is held
 * (bounded) and sent when it opens. A drop mid-utterance promotes what was
 * heard so far to final, so the user's turn is not lost.
 */
export class DeepgramStt extends FrameProcessor {
  private readonly client: DeepgramClient;
  private socket: DeepgramListenSocket | undefined;
  private socketRate = 0;
  private connecting: Promise<void> | undefined;
  private open = false;
  private held: Int16Array[] = [];
  /** Audio for the open socket, waiting to fill a packet. */
  private readonly outgoing = new AudioCoalescer();
  private heldSamples = 0;
  private interim = '';
  /** Between the VAD's user.speaking.started and .stopped: audio goes out in small packets. */
  private userSpeaking = false;
  private lastSentAt = 0;
  private keepAliveTimer: TimerHandle | undefined;
  private stoppedAt: number | undefined;
  private retryAfter = 0;
  private stopped = false;
  private readonly inbox = new OrderedInbox<ListenMessage>((m) => this.onMessage(m as ListenMessage), (e) => this.pushError(e));

  constructor(
    id: string,
    private settings: DeepgramSttSettings,
    private readonly connection: DeepgramConnection,
  ) {
    super(id);
    this.client = createDeepgramClient(connection);
  }

  protected override onSettings(settings: Record<string, unknown>): void {
    this.settings = { ...this.settings, ...(settings as Partial<DeepgramSttSettings>) };
  }

  protected override onStart(frame: FrameOf<'start'>): void {
    this.connect(frame.audioInSampleRate);
    this.scheduleKeepAlive();
  }

  protected override process(frame: Frame, direction: Direction): void {
    if (direction === 'downstream') {
      if (frame.type === 'audio.in') this.sendAudio(frame.audio, frame.sampleRate);
      else if (frame.type === 'user.speaking.started') {
        this.userSpeaking = true;
        this.flushOutgoing(); // the onset, held in a quiet-time packet, goes now
      } else if (frame.type === 'user.speaking.stopped') {
        this.userSpeaking = false;
        this.finalize();
      }
    }
    this.push(frame, direction);
  }

  protected override onStop(): void {
    this.stopped = true;
    this.keepAliveTimer?.cancel();
    const socket = this.socket;
    this.socket = undefined;
    if (!socket) return;
    try {
      if (this.open) {
        const unsent = this.outgoing.take();
        if (unsent) socket.sendMedia(unsent);
        socket.sendCloseStream({ type: 'CloseStream' });
      }
    } catch {
      // already closing
    }
    socket.close();
  }

  /** Whether the live socket is open (for tests and status). */
  get isOpen(): boolean {
    return this.open;
  }

  private sendAudio(audio: Int16Array, sampleRate: number): void {
    if (this.socket && this.socketRate !== sampleRate) {
      // Deepgram is told the rate when the stream opens: a new rate needs a new stream.
      this.drop('sample rate changed');
    }
    if (this.open && this.socket) {
      const packetMs = this.userSpeaking ? (this.settings.sendChunkMs ?? DEFAULT_SEND_CHUNK_MS) : (this.settings.quietSendChunkMs ?? DEFAULT_QUIET_SEND_CHUNK_MS);
      const minSamples = Math.round((packetMs * sampleRate) / 1000);
      const packet = this.outgoing.push(audio, minSamples);
      if (packet) {
        this.socket.sendMedia(packet);
        this.lastSentAt = this.clock.now();
      }
      return;
    }
    this.hold(audio, sampleRate);
    this.connect(sampleRate);
  }

  private hold(audio: Int16Array, sampleRate: number): void {
    this.held.push(audio);
    this.heldSamples += audio.length;
    const max = (this.settings.maxBufferedMs / 1000) * sampleRate;
    while (this.heldSamples > max && this.held.length > 1) this.heldSamples -= this.held.shift()!.length;
  }

  /** Sends what is waiting for a full packet. */
  private flushOutgoing(): void {
    const packet = this.outgoing.take();
    if (!packet || !this.open || !this.socket) return;
    this.socket.sendMedia(packet);
    this.lastSentAt = this.clock.now();
  }

  private finalize(): void {
    if (!this.open || !this.socket) return;
    this.flushOutgoing(); // Deepgram can only finalise audio it has
    this.stoppedAt = this.clock.now();
    this.socket.sendFinalize({ type: 'Finalize' });
  }

  private connect(sampleRate: number): void {
    if (this.connecting || this.open || this.stopped || this.clock.now() < this.retryAfter) return;
    this.socketRate = sampleRate;
    this.connecting = this.openSocket(sampleRate)
      .catch((error: unknown) => {
        this.retryAfter = this.clock.now() + this.settings.reconnectDelayMs;
        this.pushError(new Error(`Deepgram connection failed: ${this.describe(error)}`));
      })
      .finally(() => (this.connecting = undefined));
  }

  private async openSocket(sampleRate: number): Promise<void> {
    const s = this.settings;
    const socket = await this.client.listen.v1.connect({
      model: s.model,
      language: s.language,
      encoding: 'linear16',
      sample_rate: sampleRate,
      channels: 1,
      interim_results: 'true',
      punctuate: 'true',
      smart_format: s.smartFormat ? 'true' : 'false',
      endpointing: s.endpointingMs,
      ...(s.utteranceEndMs > 0 ? { utterance_end_ms: s.utteranceEndMs, vad_events: 'true' } : {}),
      ...(s.keyterms.length > 0 ? { keyterm: s.keyterms } : {}),
      // We reconnect ourselves, on the next audio, and report the drop; the SDK's silent retries would hide it.
      reconnectAttempts: 0,
      connectionTimeoutInSeconds: 10,
    });
    this.socket = socket;
    // The SDK keeps one handler per event (`on` replaces), so each event has exactly one here.
    const opened = new Promise<void>((resolve, reject) => {
      socket.on('open', () => resolve());
      socket.on('error', (error) => {
        this.logger.warn({ node: this.id, err: this.describe(error) }, 'deepgram socket error');
        reject(error);
      });
      socket.on('close', (event) => {
        reject(new Error(`closed before it opened (code ${event.code})`));
        if (this.socket === socket) this.onClosed(event.code, event.reason);
      });
    });
    socket.on('message', (message) => this.inbox.push(message as ListenMessage | Blob));
    socket.connect();
    await opened;
    if (this.socket !== socket || this.stopped) {
      socket.close();
      return;
    }
    this.open = true;
    this.logger.debug({ node: this.id, model: s.model, sampleRate }, 'deepgram stream open');
    for (const audio of this.held) socket.sendMedia(audio);
    this.held = [];
    this.heldSamples = 0;
    this.lastSentAt = this.clock.now();
  }

  private onClosed(code: number, reason: string): void {
    const wasOpen = this.open;
    this.socket = undefined;
    this.open = false;
    this.inbox.reset();
    if (this.stopped) return;
    // Audio still waiting for a packet goes out on the next stream with the rest of the held audio.
    const unsent = this.outgoing.take();
    if (unsent) this.hold(unsent, this.socketRate);
    this.retryAfter = this.clock.now() + this.settings.reconnectDelayMs;
    // What the user said so far would otherwise vanish with the socket.
    if (this.interim) this.pushFinal(this.interim);
    if (wasOpen) this.pushError(new Error(`Deepgram closed the stream (code ${code}${reason ? `: ${redactSecret(reason, this.connection.apiKey)}` : ''}); reconnecting on the next audio`));
  }

  private drop(why: string): void {
    const socket = this.socket;
    this.socket = undefined;
    this.open = false;
    this.inbox.reset();
    this.outgoing.clear(); // at the old rate: useless to the new stream
    this.logger.info({ node: this.id, why }, 'deepgram stream reopened');
    socket?.close();
  }

  private onMessage(message: ListenMessage | Uint8Array): void {
    if (message instanceof Uint8Array) return;
    switch (message.type) {
      case 'Results': {
        const text = message.channel?.alternatives?.[0]?.transcript?.trim() ?? '';
        if (message.is_final) {
          this.interim = '';
          if (text) this.pushFinal(text);
        } else if (text && text !== this.interim) {
          this.interim = text;
          this.push(this.frame('transcript.interim', { text }));
        }
        return;
      }
      case 'UtteranceEnd':
        this.interim = '';
        this.logger.debug({ node: this.id, lastWordEnd: message.last_word_end }, 'deepgram utterance end');
        return;
      case 'Metadata':
        this.logger.debug({ node: this.id, requestId: message.request_id }, 'deepgram metadata');
        return;
      case 'SpeechStarted':
        return;
    }
  }

  private pushFinal(text: string): void {
    this.interim = '';
    if (this.stoppedAt !== undefined) {
      this.pushMetric('ttfb', this.clock.now() - this.stoppedAt);
      this.stoppedAt = undefined;
    }
    this.push(this.frame('transcript.final', { text }));
  }

  private scheduleKeepAlive(): void {
    if (this.stopped) return;
    this.keepAliveTimer = this.clock.setTimeout(() => {
      // Audio stopped arriving mid-packet (a muted client): do not sit on the rest.
      if (this.outgoing.held > 0) this.flushOutgoing();
      if (this.open && this.socket && this.clock.now() - this.lastSentAt >= this.settings.keepAliveMs) {
        this.socket.sendKeepAlive({ type: 'KeepAlive' });
        this.lastSentAt = this.clock.now();
      }
      this.scheduleKeepAlive();
    }, Math.max(250, this.settings.keepAliveMs / 2));
  }

  private describe(error: unknown): string {
    const message = error instanceof Error ? error.message : typeof error === 'object' && error && 'message' in error ? String(error.message) : String(error);
    return redactSecret(message, this.connection.apiKey);
  }
}
