import type { Direction, FrameProcessor } from '../core/FrameProcessor.ts';
import {
  createFrame,
  type Frame,
  type FrameOf,
  type FramePayloads,
  type FrameType,
} from '../core/frames.ts';
import { type Logger, silentLogger } from '../core/Logger.ts';
import { settleMicrotasks, VirtualClock } from '../core/VirtualClock.ts';

export interface Emitted {
  frame: Frame;
  direction: Direction;
  /** Virtual time at which it was pushed. */
  at: number;
}

export interface HarnessOptions {
  clock?: VirtualClock;
  logger?: Logger;
  audioInSampleRate?: number;
  audioOutSampleRate?: number;
}

/**
 * Drives one processor alone: no graph, no server, no network, virtual time.
 * Frames it pushes are recorded with the virtual time they were pushed at.
 */
export class ProcessorHarness {
  readonly clock: VirtualClock;
  readonly emitted: Emitted[] = [];

  constructor(
    readonly processor: FrameProcessor,
    private readonly options: HarnessOptions = {},
  ) {
    this.clock = options.clock ?? new VirtualClock();
    processor.attach({
      clock: this.clock,
      logger: options.logger ?? silentLogger,
      sink: (frame, direction) => this.emitted.push({ frame, direction, at: this.clock.now() }),
    });
  }

  /** A frame stamped with the harness clock. */
  frame<T extends FrameType>(type: T, payload: FramePayloads[T]): FrameOf<T> {
    return createFrame(type, payload, this.clock.now());
  }

  async start(): Promise<void> {
    const rates = {
      audioInSampleRate: this.options.audioInSampleRate ?? 16000,
      audioOutSampleRate: this.options.audioOutSampleRate ?? 24000,
    };
    await this.send(this.frame('start', rates));
  }

  /** Delivers a frame and lets the processor handle it as far as it can without time passing. */
  async send(frame: Frame, direction: Direction = 'downstream'): Promise<void> {
    this.processor.receive(frame, direction);
    await this.settle();
  }

  async advance(ms: number): Promise<void> {
    await this.clock.advance(ms);
    await this.settle();
  }

  /** Lets already-resolved work run. Does not wait for timers or I/O: see `idle()`. */
  async settle(): Promise<void> {
    await settleMicrotasks();
  }

  /** Waits until the processor has nothing queued or in flight (real I/O included). */
  async idle(): Promise<void> {
    await this.processor.idle();
    await settleMicrotasks();
  }

  downstream(type?: string): Frame[] {
    return this.pick('downstream', type);
  }

  upstream(type?: string): Frame[] {
    return this.pick('upstream', type);
  }

  /** Types pushed downstream, in order, without lifecycle frames: handy for exact assertions. */
  downstreamTypes(): string[] {
    return this.downstream()
      .map((f) => f.type)
      .filter((t) => t !== 'start');
  }

  private pick(direction: Direction, type?: string): Frame[] {
    return this.emitted
      .filter((e) => e.direction === direction && (!type || e.frame.type === type))
      .map((e) => e.frame);
  }
}

/** One input step: a frame (delivered downstream), a frame with a direction, or time passing. */
export type HarnessStep = Frame | { frame: Frame; direction: Direction } | { advanceMs: number };

export interface RunOptions extends HarnessOptions {
  /** Send `start` first (default true). */
  start?: boolean;
  /** Send `end` last and wait for the processor to drain (default false). */
  end?: boolean;
  /** Virtual time to let pass after the last step (default 0). */
  thenAdvanceMs?: number;
}

export interface RunResult {
  downstream: Frame[];
  upstream: Frame[];
  emitted: Emitted[];
  harness: ProcessorHarness;
}

/**
 * Runs `framesIn` through `processor` and returns what it pushed each way.
 *
 *     const { downstream } = await runProcessor(new SentenceAggregator('s'), [textFrame('Hi. How')]);
 */
export async function runProcessor(
  processor: FrameProcessor,
  framesIn: HarnessStep[],
  options: RunOptions = {},
): Promise<RunResult> {
  const harness = new ProcessorHarness(processor, options);
  if (options.start !== false) await harness.start();
  for (const step of framesIn) {
    if ('advanceMs' in step) await harness.advance(step.advanceMs);
    else if ('frame' in step && 'direction' in step) await harness.send(step.frame, step.direction);
    else await harness.send(step as Frame);
  }
  if (options.thenAdvanceMs) await harness.advance(options.thenAdvanceMs);
  if (options.end) await harness.send(harness.frame('end', {}));
  await harness.idle();
  const withoutStart = (frames: Frame[]) => frames.filter((f) => f.type !== 'start');
  return {
    downstream: withoutStart(harness.downstream()),
    upstream: harness.upstream(),
    emitted: harness.emitted,
    harness,
  };
}

/** A frame for test inputs (time 0 unless given). */
export function testFrame<T extends FrameType>(
  type: T,
  payload: FramePayloads[T],
  at = 0,
): FrameOf<T> {
  return createFrame(type, payload, at);
}
