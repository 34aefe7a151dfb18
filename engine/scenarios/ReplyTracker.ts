import type { Hop } from '../graph/GraphRunner.ts';

/** One response of the graph's LLM: what it generated, and what the output reported as played. */
export interface TrackedReply {
  /** Timeline ms of its `llm.response.start`. */
  startMs: number;
  generated: string;
  /** `bot.spoken` reports from the output, in order: what the user heard of it. */
  played: string[];
}

/**
 * Follows the graph's replies by watching its hops: each `llm.response.start`
 * opens a reply, `llm.text` adds to what was generated and `bot.spoken`
 * (sent back upstream by the output) to what was played. A frame passes many
 * hops; only its first sighting counts.
 */
export class ReplyTracker {
  readonly replies: TrackedReply[] = [];
  private readonly seen = new Set<number>();

  constructor(private readonly timeline: () => number) {}

  readonly observe = ({ frame }: Hop): void => {
    if (!TRACKED.has(frame.type) || this.seen.has(frame.id)) return;
    this.seen.add(frame.id);
    const current = this.replies.at(-1);
    if (frame.type === 'llm.response.start')
      this.replies.push({ startMs: this.timeline(), generated: '', played: [] });
    else if (frame.type === 'llm.text' && current) current.generated += frame.text;
    else if (frame.type === 'bot.spoken' && current && frame.text) current.played.push(frame.text);
  };
}

const TRACKED = new Set(['llm.response.start', 'llm.text', 'bot.spoken']);
