import type { Logger } from '../../../engine/core/Logger.ts';

/** After this many of one kind, a problem is logged only every EVERY_NTH time, with its count. */
const LOG_FIRST = 3;
const EVERY_NTH = 500;

/**
 * Logs what a Twilio stream sent that we could not use — bad JSON, unknown
 * events, media before `start`, broken base64 — as warnings naming the
 * problem. The stream goes on: one bad message must not end a phone call.
 * A stream that sends garbage 50 times a second would flood the log, so each
 * kind of problem is logged a few times, then sampled with a running count.
 */
export class ProtocolProblems {
  private readonly counts = new Map<string, number>();

  constructor(private readonly logger: Logger) {}

  report(problem: string, detail: Record<string, unknown> = {}): void {
    const count = (this.counts.get(problem) ?? 0) + 1;
    this.counts.set(problem, count);
    if (count <= LOG_FIRST || count % EVERY_NTH === 0) this.logger.warn({ problem, count, ...detail }, 'ignored twilio message');
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }
}
