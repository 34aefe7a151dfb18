/**
 * Engine overhead: frame-hops per second and per-hop latency through a chain
 * of 10 pass-through processors, and how long an interrupt takes to cross the
 * chain while it is loaded — with a check that no stale frame follows it.
 */
import { createFrame, type Direction, type Frame, FrameProcessor, pipeline } from '#engine';
import { median, percentile, writeResults } from '../lib/results.ts';

const CHAIN = 10;
/** input → 10 processors → output is 11 hops. */
const HOPS = CHAIN + 1;

class Pass extends FrameProcessor {
  protected override process(frame: Frame, direction: Direction): void {
    this.push(frame, direction);
  }
}

/** Yields to the event loop on every frame, so a burst builds real queues. */
class AsyncPass extends FrameProcessor {
  protected override async process(frame: Frame, direction: Direction): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.push(frame, direction);
  }
}

const nowNs = () => process.hrtime.bigint();

function throughput(frames: number): number {
  const runner = pipeline(Array.from({ length: CHAIN }, (_, i) => new Pass(`p${i}`)));
  let delivered = 0;
  runner.onOutput(() => delivered++);
  const frame = createFrame('transcript.interim', { text: 'x' }, 0);
  const input = runner.input;
  const t0 = nowNs();
  for (let i = 0; i < frames; i++) input.feed({ ...frame, id: i + 1e9 });
  const seconds = Number(nowNs() - t0) / 1e9;
  if (delivered !== frames) throw new Error(`lost frames: ${delivered}/${frames}`);
  return (frames * HOPS) / seconds;
}

function hopLatenciesUs(samples: number): number[] {
  const runner = pipeline(Array.from({ length: CHAIN }, (_, i) => new Pass(`p${i}`)));
  let arrived = 0n;
  runner.onOutput(() => (arrived = nowNs()));
  const out: number[] = [];
  const base = createFrame('transcript.interim', { text: 'x' }, 0);
  for (let i = 0; i < samples; i++) {
    const t0 = nowNs();
    runner.input.feed({ ...base, id: i + 2e9 });
    out.push(Number(arrived - t0) / 1000 / HOPS);
  }
  return out;
}

async function interruptPropagationUs(): Promise<{ us: number; stale: number }> {
  const runner = pipeline(Array.from({ length: CHAIN }, (_, i) => new AsyncPass(`p${i}`)));
  let interruptedAt = 0n;
  let exitedAt = 0n;
  let stale = 0;
  let firstNewId = Infinity;
  runner.onOutput((frame) => {
    if (frame.type === 'interrupt') exitedAt = nowNs();
    else if (exitedAt && frame.type === 'llm.text' && frame.id < firstNewId) stale++;
  });
  await runner.start();
  for (let i = 0; i < 5000; i++) runner.push(runner.createFrame('llm.text', { text: `old ${i}` }));
  await new Promise((r) => setTimeout(r, 20)); // let the burst spread along the chain
  const interrupt = runner.createFrame('interrupt', { reason: 'bench' });
  interruptedAt = nowNs();
  runner.push(interrupt);
  const us = Number(exitedAt - interruptedAt) / 1000;
  const fresh = runner.createFrame('llm.text', { text: 'new' });
  firstNewId = fresh.id;
  runner.push(fresh);
  await runner.idle();
  await new Promise((r) => setTimeout(r, 20));
  runner.cancel();
  return { us, stale };
}

export async function runEngineBench(): Promise<Record<string, number>> {
  throughput(50_000); // warm-up: let the JIT settle
  const rates: number[] = [];
  for (let i = 0; i < 7; i++) rates.push(throughput(200_000));
  hopLatenciesUs(10_000);
  const latencies = hopLatenciesUs(100_000);
  const interrupts: number[] = [];
  let stale = 0;
  for (let i = 0; i < 15; i++) {
    const r = await interruptPropagationUs();
    interrupts.push(r.us);
    stale += r.stale;
  }
  if (stale > 0) throw new Error(`${stale} stale frames reached the output after an interrupt`);
  const figures = {
    hopsPerSec: Math.round(median(rates)),
    hopP50Us: round(percentile(latencies, 50)),
    hopP99Us: round(percentile(latencies, 99)),
    interruptPropagationUs: round(median(interrupts)),
    staleFramesAfterInterrupt: stale,
  };
  writeResults('engine', figures);
  return figures;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
