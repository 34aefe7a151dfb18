/**
 * The fuzz server's event-loop watchdog writes a pino line with this message,
 * `blockedMs` and `cpuMs` whenever its 20 ms timer fires late; FuzzRun reads
 * them back from stderr and fails the case during which the loop stood still
 * too long doing the server's own work.
 */
import type { LogLine } from './FuzzServerProcess.ts';

export const EVENT_LOOP_BLOCKED = 'fuzz server: event loop blocked';

/**
 * Longer than this is a freeze every call on the server hears (bot audio is
 * paced ≤ 40 ms ahead), and far beyond the scheduling noise of a shared CI box.
 */
export const MAX_BLOCKED_MS = 500;

/**
 * A stall during which the process used less CPU than this share of it was
 * the OS not running the process (a crowded CI box), not the event loop busy
 * with the server's work: it is reported, not charged to the case.
 */
const BUSY_SHARE = 0.5;

export interface Stall {
  blockedMs: number;
  cpuMs: number;
  /** The server's own work held the loop (CPU busy for most of the stall). */
  busy: boolean;
}

export function stallsIn(lines: LogLine[]): Stall[] {
  const stalls: Stall[] = [];
  for (const line of lines) {
    if (line.level === undefined || !line.text.includes(EVENT_LOOP_BLOCKED)) continue;
    const { blockedMs, cpuMs } = JSON.parse(line.text) as { blockedMs?: unknown; cpuMs?: unknown };
    if (typeof blockedMs !== 'number' || typeof cpuMs !== 'number') continue;
    stalls.push({ blockedMs, cpuMs, busy: cpuMs >= blockedMs * BUSY_SHARE });
  }
  return stalls;
}

/** The longest stall among `stalls` that `busy` selects, or undefined. */
export function longest(stalls: Stall[], busy: boolean): Stall | undefined {
  return stalls.filter((s) => s.busy === busy).sort((a, b) => b.blockedMs - a.blockedMs)[0];
}
