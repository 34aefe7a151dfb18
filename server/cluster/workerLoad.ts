/**
 * This process's load as the registry reports it: event-loop lag (the first thing that
 * hurts audio pacing) and CPU share since the previous sample.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export class WorkerLoad {
  private readonly delay = monitorEventLoopDelay({ resolution: 10 });
  private lastCpu = process.cpuUsage();
  private lastAt = process.hrtime.bigint();

  constructor() {
    this.delay.enable();
  }

  /** p99 event-loop delay and CPU share (of one core) since the last call; resets both windows. */
  sample(): { eventLoopLagMs: number; cpu: number } {
    const now = process.hrtime.bigint();
    const cpu = process.cpuUsage(this.lastCpu);
    const elapsedUs = Number(now - this.lastAt) / 1000;
    const lagMs = this.delay.count > 0 ? this.delay.percentile(99) / 1e6 : 0;
    this.delay.reset();
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    return {
      eventLoopLagMs: round(lagMs),
      cpu: elapsedUs > 0 ? round((cpu.user + cpu.system) / elapsedUs) : 0,
    };
  }

  stop(): void {
    this.delay.disable();
  }
}

const round = (value: number) => Math.round(value * 1000) / 1000;
