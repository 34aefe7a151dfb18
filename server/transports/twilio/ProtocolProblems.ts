import type { Logger } from '#engine';
import { TokenBucket } from '../../net/TokenBucket.ts';
import { excerpt } from '../logExcerpt.ts';

/** The kinds of unusable message, a fixed set: sampling is keyed on these, never on text the sender chose. */
export const TWILIO_PROBLEMS = {
  notJson: 'not JSON',
  noEvent: 'no "event" field',
  tooDeep: 'nests too deep',
  unknownEvent: 'unknown event',
  malformed: 'malformed message',
  beforeStart: 'message before start',
  secondStart: 'second start',
  binary: 'binary message (Twilio sends JSON text)',
  badMediaPayload: 'media payload is not base64',
  unknownMark: 'mark we did not send',
} as const;

export type TwilioProblemKind = keyof typeof TWILIO_PROBLEMS;

/** Details name what was wrong in a few words: each value is cut to LOG_EXCERPT_CHARS. */
export type ProblemDetail = Record<string, string | number | undefined>;

/** After this many of one kind on one stream, a problem is logged only every EVERY_NTH time, with its count. */
const LOG_FIRST = 3;
const EVERY_NTH = 500;

/**
 * Problem lines from all streams together: a burst, then one a second. A
 * sender that reconnects to start every count afresh still cannot flood the
 * log; what is held back is counted on the next line (`suppressed`).
 */
const allStreams = new TokenBucket(1, 60);
let suppressed = 0;

/**
 * Logs what a Twilio stream sent that we could not use — bad JSON, unknown
 * events, media before `start`, broken base64 — as warnings naming the
 * problem. The stream goes on: one bad message must not end a phone call.
 * Anyone can send these before the stream has shown its ticket, so a line
 * is sampled per kind of problem (first few, then every 500th with a
 * count), all streams share a rate cap, and every value is an excerpt.
 */
export class ProtocolProblems {
  private readonly counts = new Map<TwilioProblemKind, number>();

  constructor(private readonly logger: Logger) {}

  report(kind: TwilioProblemKind, detail: ProblemDetail = {}): void {
    const count = (this.counts.get(kind) ?? 0) + 1;
    this.counts.set(kind, count);
    if (count > LOG_FIRST && count % EVERY_NTH !== 0) return;
    if (!allStreams.take()) {
      suppressed++;
      return;
    }
    const fields: Record<string, string | number> = { problem: TWILIO_PROBLEMS[kind], count };
    for (const [key, value] of Object.entries(detail))
      if (value !== undefined) fields[key] = typeof value === 'string' ? excerpt(value) : value;
    if (suppressed > 0) fields.suppressed = suppressed;
    suppressed = 0;
    this.logger.warn(fields, 'ignored twilio message');
  }

  get total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }
}
