import type { Clock } from '../../core/Clock.ts';
import type { ChatMessage } from '../../core/frames.ts';
import type { LlmDelta } from './LlmProcessor.ts';

/**
 * A model request started before the user's turn is confirmed (LiveKit calls
 * this preemptive generation): it runs while the VAD's stop delay and the
 * STT's final are still pending, and its output is only buffered here. When
 * the turn is confirmed with the same conversation, the LLM replays the buffer
 * and goes on streaming — the model's time to first token was spent while the
 * user was still being listened to. Otherwise it is aborted, which closes the
 * HTTP stream. Tool calls are never run here: side effects wait for the turn.
 */
export class PreemptiveResponse {
  readonly startedAt: number;
  /** When the model's first text or tool call arrived (clock ms). */
  firstOutputAt: number | undefined;
  private readonly controller = new AbortController();
  private readonly buffer: LlmDelta[] = [];
  private finished = false;
  private failure: { error: unknown } | undefined;
  private wake: (() => void) | undefined;
  private readonly onParentAbort = () => this.discard();

  constructor(
    readonly messages: ChatMessage[],
    start: (signal: AbortSignal) => AsyncIterable<LlmDelta>,
    /** The LLM's signal: an interrupt kills the preemptive request too. */
    private readonly parent: AbortSignal,
    private readonly clock: Clock,
  ) {
    this.startedAt = clock.now();
    if (parent.aborted) this.controller.abort();
    else parent.addEventListener('abort', this.onParentAbort, { once: true });
    void this.collect(start(this.controller.signal));
  }

  get discarded(): boolean {
    return this.controller.signal.aborted;
  }

  /** Whether this request answers exactly `messages` (user words compared as words, not characters). */
  answers(messages: readonly ChatMessage[]): boolean {
    return !this.discarded && sameConversation(this.messages, messages);
  }

  /** Everything the model said so far, then the rest as it comes. One consumer. */
  async *deltas(): AsyncIterable<LlmDelta> {
    for (let i = 0; ; ) {
      while (i < this.buffer.length) yield this.buffer[i++];
      if (this.failure) throw this.failure.error;
      if (this.finished || this.discarded) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  discard(): void {
    this.parent.removeEventListener('abort', this.onParentAbort);
    if (!this.discarded) this.controller.abort();
    this.notify();
  }

  private async collect(stream: AsyncIterable<LlmDelta>): Promise<void> {
    try {
      for await (const delta of stream) {
        if (this.discarded) return;
        if (delta.type !== 'usage') this.firstOutputAt ??= this.clock.now();
        this.buffer.push(delta);
        this.notify();
      }
    } catch (error) {
      if (!this.discarded) this.failure = { error };
    } finally {
      this.finished = true;
      this.parent.removeEventListener('abort', this.onParentAbort);
      this.notify();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** Lower case, no punctuation, single spaces: how STT interim and final text of the same words may differ. */
export function normalizeWords(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function sameConversation(a: readonly ChatMessage[], b: readonly ChatMessage[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((m, i) => {
    const n = b[i];
    if (m.role !== n.role) return false;
    if (m.role === 'user') return normalizeWords(m.content) === normalizeWords(n.content);
    return JSON.stringify(m) === JSON.stringify(n);
  });
}
