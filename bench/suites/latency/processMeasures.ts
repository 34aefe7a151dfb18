/**
 * What the capacity steps read about processes and the machine: memory of
 * this process and its decoder children, CPU time of another process, and
 * how busy the whole machine was (the bench shares its 2 cores with others).
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { pocketsphinxProcesses } from '../../../test/helpers/processTree.ts';

/**
 * Process ids of this process's pocketsphinx decoders (forked by the pool's
 * zygote, so our grandchildren; the zygote itself only holds the models), from
 * /proc. Not `ps`: a synchronous spawn blocks the event loop for 60–110 ms
 * under load (forking a large process), and it ran just as each step's window
 * opened — every session's output stalled at once, which the step then
 * counted as the engine's underruns.
 */
export function decoderPids(): number[] {
  return pocketsphinxProcesses().decoders;
}

/**
 * This process's RSS and each decoder's proportional set size (PSS: pages
 * shared between decoders, such as the models they were forked with, counted
 * once in total), MB.
 */
export function memory(): { mainMb: number; decoderMb: number[] } {
  const decoderMb = decoderPids().flatMap((pid) => {
    try {
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      return pss ? [Number(pss[1]) / 1024] : [];
    } catch {
      return [];
    }
  });
  return { mainMb: process.memoryUsage.rss() / 1024 / 1024, decoderMb };
}

let gc: (() => void) | undefined;

/** A full garbage collection, so that RSS differences are live memory rather than garbage not yet collected. */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** CPU time (user + system) a process has used so far, ms; 0 when unknown. */
export function processCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields 14 and 15 of /proc/<pid>/stat are utime and stime in clock ticks (100 Hz on Linux).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** Busy CPU time of the whole machine so far, ms (all cores), from /proc/stat; 0 when unknown. */
export function machineBusyMs(): number {
  try {
    const [, ...ticks] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .map(Number);
    const idle = ticks[3] + ticks[4]; // idle + iowait
    return (ticks.reduce((a, b) => a + b, 0) - idle) * 10;
  } catch {
    return 0;
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
