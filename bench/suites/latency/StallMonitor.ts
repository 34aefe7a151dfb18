/**
 * Finds event-loop stalls and says whether this process caused them. A 1 ms
 * timer chain notes every gap longer than `thresholdMs` between two of its
 * ticks, and for the main thread over that gap (Linux schedstat): how long it
 * ran (our own synchronous work: JS, GC, native calls) and how long it was
 * runnable but waited for a core (the machine was busy: other programs or
 * this process's worker threads). GC pauses that overlap the gap are listed
 * too. A histogram of loop delay cannot tell these apart; this can.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';

export interface Stall {
  /** performance.now() at the end of the gap. */
  at: number;
  gapMs: number;
  /** Main thread on a CPU during the gap. */
  ranMs: number;
  /** Main thread runnable but not running (waiting for a core). */
  waitedMs: number;
  /** GC pauses overlapping the gap, summed. */
  gcMs: number;
}

export class StallMonitor {
  readonly stalls: Stall[] = [];
  readonly gcPauses: Array<{ start: number; durationMs: number; kind: number }> = [];
  private timer: NodeJS.Timeout | undefined;
  private fd = -1;
  private readonly buffer = Buffer.alloc(128);
  private last = { at: 0, runNs: 0, waitNs: 0 };
  private readonly gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as Array<PerformanceEntry & { detail?: { kind?: number } }>)
      this.gcPauses.push({ start: e.startTime, durationMs: e.duration, kind: e.detail?.kind ?? 0 });
  });

  constructor(private readonly thresholdMs = 20) {}

  start(): void {
    try {
      this.fd = openSync('/proc/thread-self/schedstat', 'r');
    } catch {
      this.fd = -1; // not Linux: gaps only
    }
    this.gcObserver.observe({ entryTypes: ['gc'] });
    this.last = this.sample();
    const tick = () => {
      const now = this.sample();
      const gapMs = now.at - this.last.at;
      if (gapMs > this.thresholdMs) {
        const from = this.last.at;
        const gcMs = this.gcPauses
          .filter((g) => g.start + g.durationMs > from && g.start < now.at)
          .reduce((s, g) => s + g.durationMs, 0);
        this.stalls.push({
          at: now.at,
          gapMs,
          ranMs: (now.runNs - this.last.runNs) / 1e6,
          waitedMs: (now.waitNs - this.last.waitNs) / 1e6,
          gcMs,
        });
      }
      this.last = now;
      this.timer = setTimeout(tick, 1);
    };
    this.timer = setTimeout(tick, 1);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.gcObserver.disconnect();
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private sample(): { at: number; runNs: number; waitNs: number } {
    const at = performance.now();
    if (this.fd < 0) return { at, runNs: 0, waitNs: 0 };
    const n = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
    const [runNs, waitNs] = this.buffer.toString('latin1', 0, n).split(' ').map(Number);
    return { at, runNs, waitNs };
  }
}
