import type { Deepgram, DeepgramClient } from '@deepgram/sdk';
import { z } from 'zod';
import { PcmChunkDecoder } from '../../audio/PcmChunkDecoder.ts';
import type { TimerHandle } from '../../core/Clock.ts';
import { redactSecret } from '../../services/redactSecret.ts';
import { type EmitAudio, TtsProcessor } from '../../services/tts/TtsProcessor.ts';
import {
  createDeepgramClient,
  type DeepgramConnection,
  type DeepgramSpeakSocket,
} from './createDeepgramClient.ts';
import { OrderedInbox } from './OrderedInbox.ts';

export const deepgramTtsSettings = z.object({
  model: z
    .string()
    .min(1)
    .default('aura-2-thalia-en')
    .describe('Aura voice, e.g. aura-2-thalia-en, aura-2-apollo-en'),
  sampleRate: z
    .union([
      z.literal(8000),
      z.literal(16000),
      z.literal(24000),
      z.literal(32000),
      z.literal(48000),
    ])
    .default(24000),
  firstByteTimeoutMs: z
    .number()
    .int()
    .min(500)
    .max(60_000)
    .default(5000)
    .describe('A sentence with no audio by then fails and the socket is reopened (ms)'),
});

export type DeepgramTtsSettings = z.output<typeof deepgramTtsSettings>;

type SpeakMessage =
  | Deepgram.speak.SpeakV1Metadata
  | Deepgram.speak.SpeakV1Flushed
  | Deepgram.speak.SpeakV1Cleared
  | Deepgram.speak.SpeakV1Warning;

interface Sentence {
  emit: EmitAudio;
  first: boolean;
  resolve: () => void;
  reject: (error: Error) => void;
  timer: TimerHandle;
}

/**
 * Deepgram Aura text-to-speech over its WebSocket through the official
 * `@deepgram/sdk`. One socket per session, opened at start: each sentence is
 * a `Speak` plus a `Flush`, its audio streams back as binary linear16 until
 * `Flushed`. An interrupt sends `Clear`, and audio still in flight from before
 * it is dropped until `Cleared` confirms. A socket that dies fails the
 * sentence it was speaking (error upstream) and is reopened for the next.
 *
 * Deepgram allows 20 flushes a minute per socket; a refused flush arrives as
 * a `Warning` and fails that sentence. Its first-audio deadline is its own,
 * not the base's request deadline: it runs from the sentence sent on an open
 * socket (not from the handshake), and a miss closes the socket.
 */
export class DeepgramTts extends TtsProcessor<DeepgramTtsSettings> {
  protected override readonly settingsSchema = deepgramTtsSettings;
  private readonly client: DeepgramClient;
  private socket: DeepgramSpeakSocket | undefined;
  private opening: Promise<DeepgramSpeakSocket> | undefined;
  private sentence: Sentence | undefined;
  /** A Clear was sent: audio until `Cleared` belongs to the interrupted response. */
  private clearing = false;
  private decoder = new PcmChunkDecoder();
  private readonly inbox = new OrderedInbox<SpeakMessage>(
    (m) => this.onMessage(m),
    (e) => this.pushError(e),
  );

  constructor(
    id: string,
    settings: DeepgramTtsSettings,
    private readonly connection: DeepgramConnection,
  ) {
    super(id, settings);
    this.client = createDeepgramClient(connection);
  }

  protected override onSettings(update: Partial<DeepgramTtsSettings>): void {
    const before = this.settings;
    super.onSettings(update);
    // Voice and rate are fixed per socket: the next sentence opens a new one.
    if (before.model !== this.settings.model || before.sampleRate !== this.settings.sampleRate)
      this.closeSocket();
  }

  protected override onStart(): void {
    // Open early so the first sentence does not pay for the handshake; a failure here is retried then.
    this.open().catch(() => undefined);
  }

  protected override onStop(): void {
    this.failSentence(new Error('TTS stopped'));
    const socket = this.socket;
    if (socket) {
      try {
        socket.sendClose({ type: 'Close' });
      } catch {
        // already closing
      }
    }
    this.closeSocket();
  }

  protected override onInterrupt(): void {
    super.onInterrupt();
    if (!this.sentence || !this.socket) return;
    this.clearing = true;
    try {
      this.socket.sendClear({ type: 'Clear' });
    } catch {
      this.closeSocket(); // cannot clear: a fresh socket has nothing queued
    }
    this.sentence.timer.cancel();
    this.sentence.resolve(); // the base drops whatever an interrupted call still pushes
    this.sentence = undefined;
  }

  protected override async speak(
    text: string,
    signal: AbortSignal,
    emit: EmitAudio,
  ): Promise<void> {
    const socket = await this.open();
    if (signal.aborted) return;
    await new Promise<void>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        if (this.sentence?.first) {
          this.failSentence(
            new Error(`no audio from Deepgram within ${this.settings.firstByteTimeoutMs} ms`),
          );
          this.closeSocket(); // whatever it is doing, the next sentence gets a fresh socket
        }
      }, this.settings.firstByteTimeoutMs);
      this.sentence = { emit, first: true, resolve, reject, timer };
      this.decoder.reset();
      socket.sendText({ type: 'Speak', text });
      socket.sendFlush({ type: 'Flush' });
    });
  }

  private open(): Promise<DeepgramSpeakSocket> {
    if (this.socket) return Promise.resolve(this.socket);
    if (this.isStopped) return Promise.reject(new Error('TTS stopped'));
    this.opening ??= this.connect().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async connect(): Promise<DeepgramSpeakSocket> {
    const socket = await this.client.speak.v1.connect({
      model: this.settings.model,
      encoding: 'linear16',
      sample_rate: String(this.settings.sampleRate),
      // Reopened by us on the next sentence, so a drop is reported rather than hidden.
      reconnectAttempts: 0,
      connectionTimeoutInSeconds: 10,
    });
    // The SDK keeps one handler per event (`on` replaces).
    const opened = new Promise<void>((resolve, reject) => {
      socket.on('open', () => resolve());
      socket.on('error', (error) => {
        this.logger.warn({ node: this.id, err: this.describe(error) }, 'deepgram tts socket error');
        reject(new Error(`Deepgram TTS connection failed: ${this.describe(error)}`));
      });
      socket.on('close', (event) => {
        reject(new Error(`Deepgram TTS connection closed before it opened (code ${event.code})`));
        if (this.socket === socket) this.onClosed(event.code);
      });
    });
    socket.on('message', (message) => this.inbox.push(message as SpeakMessage | Blob));
    socket.connect();
    await opened;
    if (this.isStopped) {
      socket.close();
      throw new Error('TTS stopped');
    }
    this.socket = socket;
    this.clearing = false;
    return socket;
  }

  private onMessage(message: SpeakMessage | Uint8Array): void {
    if (message instanceof Uint8Array) {
      const sentence = this.sentence;
      if (this.clearing || !sentence) return;
      const samples = this.decoder.push(message);
      if (samples.length === 0) return;
      if (sentence.first) sentence.timer.cancel();
      sentence.emit({ samples, sampleRate: this.settings.sampleRate });
      sentence.first = false;
      return;
    }
    switch (message.type) {
      case 'Flushed':
        if (!this.clearing) this.finishSentence();
        return;
      case 'Cleared':
        this.clearing = false;
        return;
      case 'Warning':
        this.logger.warn(
          {
            node: this.id,
            code: (message as Deepgram.speak.SpeakV1Warning).code,
            description: (message as Deepgram.speak.SpeakV1Warning).description,
          },
          'deepgram tts warning',
        );
        if (this.sentence)
          this.failSentence(
            new Error(`Deepgram TTS: ${(message as Deepgram.speak.SpeakV1Warning).description}`),
          );
        return;
      default:
        this.logger.debug({ node: this.id, type: message.type }, 'deepgram tts message');
    }
  }

  private onClosed(code: number): void {
    this.socket = undefined;
    this.inbox.reset();
    this.clearing = false;
    if (!this.isStopped)
      this.failSentence(new Error(`Deepgram TTS connection closed mid-sentence (code ${code})`));
  }

  private finishSentence(): void {
    const sentence = this.sentence;
    this.sentence = undefined;
    sentence?.timer.cancel();
    sentence?.resolve();
  }

  private failSentence(error: Error): void {
    const sentence = this.sentence;
    this.sentence = undefined;
    sentence?.timer.cancel();
    sentence?.reject(error);
  }

  private closeSocket(): void {
    const socket = this.socket;
    this.socket = undefined;
    this.inbox.reset();
    this.clearing = false;
    socket?.close();
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
