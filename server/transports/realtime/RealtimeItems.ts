export type RealtimeItem = {
  id: string;
  type: string;
  object?: 'realtime.item';
  status?: string;
} & Record<string, unknown>;

/**
 * The conversation as the Realtime client sees it: items by id, in order, so
 * `conversation.item.retrieve` can be answered and `previous_item_id` given.
 * The engine keeps its own conversation (ChatMessages); this mirrors it.
 * Bounded in count and in characters — a client may create items of up to
 * 1 MB each — by forgetting the oldest; a forgotten item is `item_not_found`.
 */
export class RealtimeItems {
  /** Items by id, with their size as JSON. */
  private readonly items = new Map<string, { item: RealtimeItem; chars: number }>();
  private last: string | null = null;
  private totalChars = 0;
  private static readonly MAX_ITEMS = 500;
  /** What one session keeps for retrieval: hours of spoken conversation, or eight 1 MB client items. */
  static readonly MAX_CHARS = 8 * 1024 * 1024;

  /** Adds (or replaces) an item; returns the id of the item before it. */
  put(item: RealtimeItem): string | null {
    const chars = JSON.stringify(item).length;
    const existing = this.items.get(item.id);
    if (existing) {
      this.totalChars += chars - existing.chars;
      this.items.set(item.id, { item, chars });
      this.evict();
      return null;
    }
    const previous = this.last;
    this.items.set(item.id, { item, chars });
    this.totalChars += chars;
    this.last = item.id;
    this.evict();
    return previous;
  }

  get(id: string): RealtimeItem | undefined {
    return this.items.get(id)?.item;
  }

  delete(id: string): boolean {
    const existing = this.items.get(id);
    if (!existing) return false;
    this.totalChars -= existing.chars;
    return this.items.delete(id);
  }

  /** Oldest first, never the newest: the item just added stays retrievable. */
  private evict(): void {
    while (
      this.items.size > 1 &&
      (this.items.size > RealtimeItems.MAX_ITEMS || this.totalChars > RealtimeItems.MAX_CHARS)
    ) {
      const oldest = this.items.keys().next().value!;
      this.delete(oldest);
    }
  }
}
