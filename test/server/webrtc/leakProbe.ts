import { readdirSync } from 'node:fs';

/** What a WebRTC peer can leave behind, counted for the 100-cycle leak tests. */
export interface LeakSnapshot {
  udp: number;
  timers: number;
  handles: number;
  fds: number;
  rssMb: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** True when RSS is measured after a full GC (vitest run with --expose-gc). */
export const canCollect = gc !== undefined;

export function snapshot(): LeakSnapshot {
  gc?.();
  const resources = process.getActiveResourcesInfo();
  const count = (kind: string) => resources.filter((r) => r === kind).length;
  return {
    udp: count('UDPWrap'),
    timers: count('Timeout'),
    handles: resources.length,
    fds: openFds(),
    rssMb: process.memoryUsage().rss / 2 ** 20,
  };
}

function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0; // not Linux: the UDPWrap count still covers sockets
  }
}
