import { z } from 'zod';
import { rms } from '../../audio/level.ts';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import type { Direction } from '../../core/FrameProcessor.ts';
import type { Frame } from '../../core/frames.ts';
import {
  type PlaybackPosition,
  S2sProcessor,
  type S2sResponse,
  s2sSettings,
} from '../../services/s2s/S2sProcessor.ts';
import { MOSHI_RATE, MoshiSocket } from './MoshiSocket.ts';

export const DEFAULT_MOSHI_URL = 'ws://127.0.0.1:8998/api/chat';

const isWebSocketUrl = (text: string) => {
  try {
    return ['ws:', 'wss:'].includes(new URL(text).protocol);
  } catch {
    return false;
  }
};

export const moshiSettings = z.object({
  url: z
    .string()
    .refine(isWebSocketUrl, 'url must be a ws:// or wss:// URL, such as ws://host:8998/api/chat')
    .default(DEFAULT_MOSHI_URL)
    .describe('WebSocket URL of a self-hosted Moshi server (moshi.server or moshi-backend)'),
  bargeIn: z
    .boolean()
    .default(false)
    .describe(
      'Let a local VAD or interrupt silence Moshi. Off: Moshi listens while it speaks and decides itself',
    ),
  reconnectDelayMs: s2sSettings.shape.reconnectDelayMs
    .default(1000)
    .describe('Wait before reconnecting after a failure (ms)'),
});

export type MoshiSettings = z.output<typeof moshiSettings>;

/** RMS below which Moshi's output counts as silence: it streams audio all the time. */
const AUDIBLE_RMS = 100;
/** Silence (of Moshi's audio, without words) that ends a stretch of bot speech. */
const QUIET_MS = 800;
const CONNECT_TIMEOUT_MS = 10_000;

interface MoshiResponse extends S2sResponse {
  itemId: string;
  /** Audio of it pushed so far (ms). */
  audioMs: number;
  /** Silence since its last word or sound (ms of Moshi's audio). */
  quietMs: number;
  /** Its word pieces, each with how far into its audio it arrived. */
  pieces: Array<{ text: string; atMs: number }>;
}

/**
 * Speech-to-speech with a self-hosted Kyutai Moshi server. Moshi is full
 * duplex: it hears the user continuously while it speaks, there are no turns,
 * no tools, no cancel and no typed input in its protocol. The microphone is
 * streamed all the time; Moshi streams audio all the time too, silence
 * between its utterances. A response here is one stretch of it speaking: it
 * starts at the first word piece or audible audio and ends after QUIET_MS of
 * silence. Word pieces arrive in step with the audio (the model emits both
 * each 80 ms), so when a response is cut the conversation keeps the pieces
 * that arrived by the time playback stopped — what the user heard.
 *
 * `bargeIn` off (the default): a local interrupt does not stop Moshi, which
 * listens and decides itself whether to yield. On: a local interrupt or
 * `user.speaking.started` drops Moshi's current utterance from the output.
 */
export class MoshiS2s extends S2sProcessor<MoshiSettings, MoshiSocket, MoshiResponse> {
  protected override readonly settingsSchema = moshiSettings;
  private utterances = 0;
  /** Set by `truncate()` during a cut, to know whether playback was still going. */
  private truncated = false;

  constructor(id: string, settings: MoshiSettings, conversation?: ConversationContext) {
    super(id, settings, MOSHI_RATE, conversation);
  }

  protected override async dial(): Promise<MoshiSocket> {
    const url = this.settings.url;
    if (!isWebSocketUrl(url)) throw new Error(`Moshi url must be ws:// or wss://, not '${url}'`);
    let socket: MoshiSocket | undefined;
    const current = () => socket !== undefined && socket === this.session;
    socket = await MoshiSocket.connect(
      { url, connectTimeoutMs: CONNECT_TIMEOUT_MS },
      {
        onAudio: (pcm) => current() && this.onAudio(pcm),
        onText: (text) => current() && this.onText(text),
        onServerError: (message) => {
          if (!current()) return;
          socket?.close();
          this.sessionLost(new Error(`Moshi server error: ${message}; reconnecting`));
        },
        onClosed: (code, reason) => {
          if (!current()) return;
          const why = `code ${code}${reason ? `: ${reason}` : ''}`;
          this.sessionLost(new Error(`Moshi connection closed (${why}); reconnecting`));
        },
      },
    );
    return socket;
  }

  protected override sessionOpened(): void {
    this.logger.debug({ node: this.id, url: this.settings.url }, 'moshi session open');
  }

  protected override sendAudio(pcm: Int16Array): void {
    this.session?.sendPcm(pcm);
  }

  /** Moshi's protocol takes no text: it is logged and left out of Moshi's side of the talk. */
  protected override sendUserText(text: string): void {
    this.logger.warn({ node: this.id, chars: text.length }, 'moshi takes no typed text; dropped');
  }

  /** Nothing to send: Moshi keeps its own counsel; what it still says of this is dropped. */
  protected override cancelResponse(): void {}

  /** Moshi cannot be told; the local conversation keeps the words heard. */
  protected override truncate({ itemId, playedMs }: PlaybackPosition): void {
    const response = this.response;
    if (response?.itemId !== itemId) return;
    this.truncated = true;
    this.keepHeard(response, playedMs);
  }

  /** No tools: Moshi has no function calling. */
  protected override sendToolResults(): void {}

  protected override onInterrupt(): void {
    if (this.settings.bargeIn) this.cut();
  }

  protected override process(frame: Frame, direction: Direction): void | Promise<void> {
    if (
      frame.type === 'user.speaking.started' &&
      direction === 'downstream' &&
      this.settings.bargeIn &&
      this.cut()
    ) {
      // Tell the output to drop what it holds of Moshi's utterance.
      this.push(frame, direction);
      this.push(this.frame('interrupt', { reason: 'user started speaking' }));
      return;
    }
    return super.process(frame, direction);
  }

  /** Cuts the current utterance; true when there was one. */
  private cut(): boolean {
    const response = this.activeResponse();
    this.truncated = false;
    super.onInterrupt();
    // Everything pushed had already played: all of it was heard.
    if (response && !this.truncated) this.keepHeard(response, response.audioMs);
    return response !== undefined;
  }

  private keepHeard(response: MoshiResponse, playedMs: number): void {
    const heard = response.pieces
      .filter((p) => p.atMs <= playedMs)
      .map((p) => p.text)
      .join('')
      .trim();
    if (heard) this.conversation?.add({ role: 'assistant', content: heard });
  }

  private onAudio(pcm: Int16Array): void {
    const audible = rms(pcm) >= AUDIBLE_RMS;
    if (!this.response && !audible) return; // silence between utterances is not played
    const response = this.response ?? this.startUtterance();
    const ms = (pcm.length / MOSHI_RATE) * 1000;
    response.quietMs = audible ? 0 : response.quietMs + ms;
    if (this.activeResponse() === response) response.audioMs += ms;
    this.botAudio(response.itemId, pcm, MOSHI_RATE);
    if (response.quietMs >= QUIET_MS) void this.responseDone(undefined, false);
  }

  private onText(text: string): void {
    const response = this.response ?? this.startUtterance();
    response.quietMs = 0;
    if (this.activeResponse() === response) response.pieces.push({ text, atMs: response.audioMs });
    this.botSaid(text);
  }

  private startUtterance(): MoshiResponse {
    this.responseStarted({
      itemId: `utterance-${++this.utterances}`,
      audioMs: 0,
      quietMs: 0,
      pieces: [],
      calls: [],
      transcript: '',
      interrupted: false,
      audioStarted: false,
    });
    return this.response!;
  }
}
