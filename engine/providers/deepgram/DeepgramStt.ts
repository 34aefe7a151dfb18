import type { Deepgram, DeepgramClient } from '@deepgram/sdk';
import { z } from 'zod';
import { AudioCoalescer } from '../../audio/AudioCoalescer.ts';
import type { TimerHandle } from '../../core/Clock.ts';
import type { FrameOf } from '../../core/frames.ts';
import { redactSecret } from '../../services/redactSecret.ts';
import { SttProcessor } from '../../services/stt/SttProcessor.ts';
import {
  createDeepgramClient,
  type DeepgramConnection,
  type DeepgramListenSocket,
} from './createDeepgramClient.ts';
import { OrderedInbox } from './OrderedInbox.ts';

export const deepgramSttSettings = z.object({
  model: z.string().min(1).default('nova-3'),
  language: z.string().min(2).max(16).default('en-US').describe('BCP-47 tag, or multi'),
  smartFormat: z.boolean().default(true).describe('Punctuation, numerals, dates'),
  endpointingMs: z
    .number()
    .int()
    .min(10)
    .max(5000)
    .default(300)
    .describe('Silence after which Deepgram finalises a phrase on its own (ms)'),
  utteranceEndMs: z
    .number()
    .int()
    .min(0)
    .max(5000)
    .refine((ms) => ms === 0 || ms >= 1000, 'must be 0 (off) or at least 1000')
    .default(1000)
    .describe('UtteranceEnd after this gap between words (ms); 0 = off, otherwise at least 1000'),
  keyterms: z
    .array(z.string().min(1).max(100))
    .max(100)
    .default([])
    .describe('Words to boost: names, products'),
  keepAliveMs: z
    .number()
    .int()
    .min(1000)
    .max(9000)
    .default(5000)
    .describe(
      'KeepAlive after this much time without audio; Deepgram closes idle streams after 10 s (ms)',
    ),
  maxBufferedMs: z
    .number()
    .int()
    .min(0)
    .max(10_000)
    .default(2000)
    .describe('Audio held while (re)connecting (ms)'),
  reconnectDelayMs: z
    .number()
    .int()
    .min(0)
    .max(30_000)
    .default(1000)
    .describe('Wait before reconnecting after a failure (ms)'),
  // One message per 20 ms microphone chunk costs a write per chunk per session. The end of an
  // utterance is flushed at once, before `Finalize`, so only interims can arrive this much later.
  // Bounds: Deepgram recommends sending 20–250 ms of audio at a time.
  sendChunkMs: z
    .number()
    .int()
    .min(20)
    .max(250)
    .default(60)
    .describe('Audio is sent in packets of at least this much while the user speaks (ms)'),
  // Most of a conversation is the user listening, and nothing waits on transcripts of silence:
  // fewer, larger writes there save a third of a session's socket CPU.
  quietSendChunkMs: z
    .number()
    .int()
    .min(20)
    .max(250)
    .default(200)
    .describe('Packet size while the VAD hears no speech; flushed when speech starts (ms)'),
});

export type DeepgramSttSettings = z.output<typeof deepgramSttSettings>;

type ListenMessage =
  | Deepgram.listen.ListenV1Results
  | Deepgram.listen.ListenV1Metadata
  | Deepgram.listen.ListenV1UtteranceEnd
  | Deepgram.listen.ListenV1SpeechStarted;

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
export class DeepgramStt extends SttProcessor<DeepgramSttSettings> {
  protected override readonly settingsSchema = deepgramSttSettings;
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
  private lastSentAt = 0;
  private keepAliveTimer: TimerHandle | undefined;
  private retryAfter = 0;
  private readonly inbox = new OrderedInbox<ListenMessage>(
    (m) => this.onMessage(m as ListenMessage),
    (e) => this.pushError(e),
  );

  constructor(
    id: string,
    settings: DeepgramSttSettings,
    private readonly connection: DeepgramConnection,
  ) {
    super(id, settings);
    this.client = createDeepgramClient(connection);
  }

  protected override onStart(frame: FrameOf<'start'>): void {
    this.connect(frame.audioInSampleRate);
    this.scheduleKeepAlive();
  }

  protected override speechStarted(): void {
    this.flushOutgoing(); // the onset, held in a quiet-time packet, goes now
  }

  protected override finalize(): void {
    if (!this.open || !this.socket) return;
    this.flushOutgoing(); // Deepgram can only finalise audio it has
    this.expectFinal();
    this.socket.sendFinalize({ type: 'Finalize' });
  }

  protected override onStop(): void {
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

  protected override hear({ audio, sampleRate }: FrameOf<'audio.in'>): void {
    if (this.socket && this.socketRate !== sampleRate) {
      // Deepgram is told the rate when the stream opens: a new rate needs a new stream.
      this.drop('sample rate changed');
    }
    if (this.open && this.socket) {
      const { sendChunkMs, quietSendChunkMs } = this.settings;
      const packetMs = this.userSpeaking ? sendChunkMs : quietSendChunkMs;
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
    while (this.heldSamples > max && this.held.length > 1)
      this.heldSamples -= this.held.shift()!.length;
  }

  /** Sends what is waiting for a full packet. */
  private flushOutgoing(): void {
    const packet = this.outgoing.take();
    if (!packet || !this.open || !this.socket) return;
    this.socket.sendMedia(packet);
    this.lastSentAt = this.clock.now();
  }

  private connect(sampleRate: number): void {
    if (this.connecting || this.open || this.isStopped) return;
    if (this.clock.now() < this.retryAfter) return;
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
    if (this.socket !== socket || this.isStopped) {
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
    if (this.isStopped) return;
    // Audio still waiting for a packet goes out on the next stream with the rest of the held audio.
    const unsent = this.outgoing.take();
    if (unsent) this.hold(unsent, this.socketRate);
    this.retryAfter = this.clock.now() + this.settings.reconnectDelayMs;
    // What the user said so far would otherwise vanish with the socket.
    this.pushFinal(this.interim);
    this.interim = '';
    if (!wasOpen) return;
    const why = reason ? `: ${redactSecret(reason, this.connection.apiKey)}` : '';
    this.pushError(
      new Error(`Deepgram closed the stream (code ${code}${why}); reconnecting on the next audio`),
    );
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
          this.pushFinal(text);
        } else if (text && text !== this.interim) {
          this.interim = text;
          this.pushInterim(text);
        }
        return;
      }
      case 'UtteranceEnd':
        this.interim = '';
        this.logger.debug(
          { node: this.id, lastWordEnd: message.last_word_end },
          'deepgram utterance end',
        );
        return;
      case 'Metadata':
        this.logger.debug({ node: this.id, requestId: message.request_id }, 'deepgram metadata');
        return;
      case 'SpeechStarted':
        return;
    }
  }

  private scheduleKeepAlive(): void {
    if (this.isStopped) return;
    this.keepAliveTimer = this.clock.setTimeout(
      () => {
        // Audio stopped arriving mid-packet (a muted client): do not sit on the rest.
        if (this.outgoing.held > 0) this.flushOutgoing();
        if (
          this.open &&
          this.socket &&
          this.clock.now() - this.lastSentAt >= this.settings.keepAliveMs
        ) {
          this.socket.sendKeepAlive({ type: 'KeepAlive' });
          this.lastSentAt = this.clock.now();
        }
        this.scheduleKeepAlive();
      },
      Math.max(250, this.settings.keepAliveMs / 2),
    );
  }

  private describe(error: unknown): string {
    const message =
      error instanceof Error
        ? error.message
        : typeof error === 'object' && error && 'message' in error
          ? String(error.message)
          : String(error);
    return redactSecret(message, this.connection.apiKey);
  }
}
