export type RealtimeItem = { id: string; type: string; object?: 'realtime.item'; status?: string } & Record<string, unknown>;

/**
 * The conversation as the Realtime client sees it: items by id, in order, so
 * `conversation.item.retrieve` can be answered and `previous_item_id` given.
 * The engine keeps its own conversation (ChatMessages); this mirrors it.
 */
export class RealtimeItems {
  private readonly items = new Map<string, RealtimeItem>();
  private last: string | null = null;
  private static readonly MAX_ITEMS = 500;

  /** Adds (or replaces) an item; returns the id of the item before it. */
  put(item: RealtimeItem): string | null {
    if (this.items.has(item.id)) {
      this.items.set(item.id, item);
      return null;
    }
    const previous = this.last;
    this.items.set(item.id, item);
    this.last = item.id;
    if (this.items.size > RealtimeItems.MAX_ITEMS) this.items.delete(this.items.keys().next().value!);
    return previous;
  }

  get(id: string): RealtimeItem | undefined {
    return this.items.get(id);
  }

  delete(id: string): boolean {
    return this.items.delete(id);
  }
}
