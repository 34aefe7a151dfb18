/** Runs a graph in real time on WAV files, for end-to-end tests. */
import { readFileSync } from 'node:fs';
import { readWav } from '../../engine/audio/wav.ts';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import type { Frame } from '../../engine/core/frames.ts';
import { GraphRunner } from '../../engine/graph/GraphRunner.ts';
import { LatencyObserver } from '../../engine/metrics/LatencyObserver.ts';

export interface LiveSession {
  runner: GraphRunner;
  observer: LatencyObserver;
  /** Frames that left the graph to the transport, with their arrival time. */
  output: Array<{ frame: Frame; at: number }>;
  /** Every frame created anywhere in the graph, once, in creation order. */
  created: Frame[];
  errors: string[];
  /** Plays a WAV (16 kHz mono) into the graph in real time, then `silenceMs` of silence. */
  say(path: string, silenceMs?: number): Promise<void>;
  silence(ms: number): Promise<void>;
  /** Waits until `predicate` holds or fails after `timeoutMs`. */
  until(predicate: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
}

export async function startLiveSession(graph: unknown): Promise<LiveSession> {
  const runner = new GraphRunner(graph, { registry: createDefaultRegistry(), env: {} });
  const observer = new LatencyObserver();
  runner.observeHops(observer.observe);
  const output: LiveSession['output'] = [];
  const created: Frame[] = [];
  const seen = new Set<number>();
  const errors: string[] = [];
  runner.onOutput((frame) => output.push({ frame, at: performance.now() }));
  runner.observeHops(({ frame }) => {
    if (seen.has(frame.id)) return;
    seen.add(frame.id);
    created.push(frame);
  });
  runner.onUpstream((frame) => {
    if (frame.type === 'error') errors.push(`${frame.source}: ${frame.message}`);
  });
  await runner.start();

  const feed = async (samples: Int16Array, sampleRate: number) => {
    const chunk = Math.round(sampleRate / 50);
    const t0 = performance.now();
    for (let i = 0, n = 0; i < samples.length; i += chunk, n++) {
      runner.push(
        runner.createFrame('audio.in', { audio: samples.slice(i, i + chunk), sampleRate }),
      );
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + (n + 1) * 20 - performance.now())));
    }
  };
  const session: LiveSession = {
    runner,
    observer,
    output,
    created,
    errors,
    async say(path, silenceMs = 800) {
      const wav = readWav(readFileSync(path), { mixToMono: true });
      await feed(wav.samples, wav.sampleRate);
      await session.silence(silenceMs);
    },
    async silence(ms) {
      await feed(new Int16Array((16000 * ms) / 1000), 16000);
    },
    async until(predicate, timeoutMs = 10_000, what = 'condition') {
      const deadline = performance.now() + timeoutMs;
      while (!predicate()) {
        if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
  return session;
}
