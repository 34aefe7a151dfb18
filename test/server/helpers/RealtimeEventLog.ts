/**
 * Every Realtime server event a client received, with when it arrived, and
 * waiting for the next one that matches. Fed by whatever client a test uses
 * (raw `ws`, `OpenAIRealtimeWS`, `@openai/agents-realtime`).
 */
// Loosely typed on purpose: tests read fields of many event shapes and assert them.
// biome-ignore lint/suspicious/noExplicitAny: tests read fields of many event shapes
export type ServerEvent = { type: string; event_id?: string; at: number } & Record<string, any>;

export class RealtimeEventLog {
  readonly events: ServerEvent[] = [];
  private readonly waiters = new Set<() => void>();

  record(event: { type: string } & Record<string, unknown>): void {
    this.events.push({ ...event, at: performance.now() } as ServerEvent);
    for (const wake of [...this.waiters]) wake();
  }

  ofType(type: string, from = 0): ServerEvent[] {
    return this.events.slice(from).filter((e) => e.type === type);
  }

  /** Position after the last event so far: pass it as `from` to wait only for what comes next. */
  get mark(): number {
    return this.events.length;
  }

  /** The first event from position `from` on that has `type` and satisfies `match`. */
  next(
    type: string,
    options: { from?: number; match?: (e: ServerEvent) => boolean; timeoutMs?: number } = {},
  ): Promise<ServerEvent> {
    const { from = 0, match = () => true, timeoutMs = 10_000 } = options;
    const find = () => this.events.slice(from).find((e) => e.type === type && match(e));
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const wake = () => {
        const event = find();
        if (!event) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        const seen = this.events
          .slice(from)
          .map((e) => e.type)
          .join(', ');
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for '${type}'; received since: ${seen || 'nothing'}`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }
}
