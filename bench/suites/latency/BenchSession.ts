/**
 * One voice session as the latency bench sees it: the graph, its latency
 * observer, and the client's view of the output — every audio chunk with the
 * time it was handed out and when it plays at the client.
 */
import {
  createDefaultRegistry,
  type Frame,
  GraphRunner,
  LatencyObserver,
  PacedAudioOutput,
} from '#engine';
import type { MicStream, RealtimeMic } from './RealtimeMic.ts';

export interface Chunk {
  handedAt: number;
  startsAt: number;
  durationMs: number;
}

export class BenchSession {
  readonly observer = new LatencyObserver();
  readonly chunks: Chunk[] = [];
  /** Times at which frames of these types left the graph towards the client. */
  readonly left: Array<{ type: Frame['type']; at: number }> = [];
  readonly errors: string[] = [];
  readonly mic: MicStream;
  private closed = false;
  /** The output's pacing window: how far ahead of playback audio is handed out. */
  maxAheadMs = 40;

  private constructor(
    readonly runner: GraphRunner,
    private readonly micHub: RealtimeMic,
  ) {
    this.mic = micHub.attach(runner);
    runner.observeHops(this.observer.observe);
    runner.onOutput((frame) => {
      if (
        frame.type === 'bot.speaking.started' ||
        frame.type === 'bot.speaking.stopped' ||
        frame.type === 'interrupt'
      )
        this.left.push({ type: frame.type, at: performance.now() });
    });
    runner.onUpstream((frame) => {
      if (frame.type === 'error') this.errors.push(`${frame.source}: ${frame.message}`);
    });
    const out = runner
      .allProcessors()
      .find((p): p is PacedAudioOutput => p instanceof PacedAudioOutput);
    if (!out) throw new Error('graph has no paced transport.output');
    out.onPlayback(({ startsAt, durationMs }) =>
      this.chunks.push({ handedAt: performance.now(), startsAt, durationMs }),
    );
  }

  static async open(
    graph: unknown,
    mic: RealtimeMic,
    options: { env?: Record<string, string>; sessionId?: string; audioOutSampleRate?: number } = {},
  ): Promise<BenchSession> {
    const runner = new GraphRunner(graph, {
      registry: createDefaultRegistry(),
      env: options.env ?? {},
      sessionId: options.sessionId,
      audioOutSampleRate: options.audioOutSampleRate,
    });
    const session = new BenchSession(runner, mic);
    await runner.start();
    return session;
  }

  /** Resolves with the first chunk handed out after `since`, or undefined after `timeoutMs`. */
  async firstAudioAfter(since: number, timeoutMs: number): Promise<Chunk | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const chunk = this.chunks.find((c) => c.handedAt > since);
      if (chunk || this.closed || performance.now() > deadline) return chunk;
      await sleep(10);
    }
  }

  /** Resolves when the bot has been silent (nothing scheduled to play) since at least `since`, or after `timeoutMs`. */
  async botQuiet(timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline && !this.closed) {
      const last = this.chunks[this.chunks.length - 1];
      if (
        !this.runner.isBotSpeaking &&
        (!last || last.startsAt + last.durationMs < performance.now())
      )
        return true;
      await sleep(20);
    }
    return false;
  }

  close(): void {
    this.closed = true;
    this.micHub.detach(this.mic);
    this.runner.cancel('bench done');
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
