import { type Clock, realClock } from '../core/Clock.ts';
import type { Frame } from '../core/frames.ts';
import { VirtualClock } from '../core/VirtualClock.ts';
import type { GraphRunner } from '../graph/GraphRunner.ts';

/**
 * How a replay lets time pass. `realtime`: the wall clock, as in the recorded
 * session. `fast`: a VirtualClock that moves only when the graph has finished
 * the work it was given, so timers (VAD stop delay, output pacing, tool
 * timeouts) fire at the same virtual moments while computation takes no
 * virtual time at all.
 */
export interface ReplayPacer {
  readonly clock: Clock;
  /** Called once the runner exists: a pacer may watch it to know when it is busy. */
  attach(runner: GraphRunner): void;
  /** Lets `ms` pass, once the graph has done its work. */
  wait(ms: number, runner: GraphRunner): Promise<void>;
  /** Lets time pass until `due` (a `clock.now()` value). */
  waitUntil(due: number, runner: GraphRunner): Promise<void>;
}

export type ReplayMode = 'realtime' | 'fast';

export function createReplayPacer(mode: ReplayMode): ReplayPacer {
  return mode === 'fast' ? new VirtualPacer() : realtimePacer();
}

function realtimePacer(): ReplayPacer {
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));
  return {
    clock: realClock,
    attach: () => {},
    wait: (ms) => sleep(ms),
    waitUntil: (due) => sleep(due - realClock.now()),
  };
}

/** The longest a fast replay waits (wall time) for a recogniser's final before moving on. */
const FINAL_PATIENCE_MS = 10_000;

/**
 * `runner.idle()` covers frames in processors' queues, not work a processor
 * started from a system frame: a recogniser decodes the utterance after
 * `user.speaking.stopped` (a system frame) without holding its queue. So after
 * that frame the clock is held until the recogniser has answered (its
 * `transcript.final`, or the `ttfb` metric every SttProcessor reports with a
 * final, empty or not) — bounded by FINAL_PATIENCE_MS of wall time.
 */
class VirtualPacer implements ReplayPacer {
  readonly clock = new VirtualClock(0);
  private awaitingFinal = false;
  private lastStopId = -1;
  private answered: Array<() => void> = [];

  attach(runner: GraphRunner): void {
    runner.observeHops(({ frame }) => this.watch(frame));
  }

  async wait(ms: number, runner: GraphRunner): Promise<void> {
    await runner.idle();
    if (this.awaitingFinal) {
      await this.finalOrTimeout();
      await runner.idle();
    }
    await this.clock.advance(ms);
  }

  waitUntil(due: number, runner: GraphRunner): Promise<void> {
    return this.wait(Math.max(0, due - this.clock.now()), runner);
  }

  private watch(frame: Frame): void {
    if (frame.type === 'user.speaking.stopped' && frame.id > this.lastStopId) {
      this.lastStopId = frame.id; // one frame passes many hops: its first sighting starts the wait
      this.awaitingFinal = true;
    } else if (
      frame.type === 'transcript.final' ||
      (frame.type === 'metrics' && frame.metrics.some((m) => m.name === 'ttfb'))
    ) {
      this.awaitingFinal = false;
      const waiters = this.answered;
      this.answered = [];
      for (const resolve of waiters) resolve();
    }
  }

  private finalOrTimeout(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.awaitingFinal = false;
        resolve();
      }, FINAL_PATIENCE_MS);
      this.answered.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
