/**
 * Estimates how much of the bot's current audio the user has heard, so that
 * on barge-in the Realtime conversation can be cut (`conversation.item.truncate`)
 * where the user stopped listening — otherwise the model believes it said
 * things nobody heard. The output plays audio in real time in the order it
 * was pushed, so an item starts playing when it is pushed or when the item
 * before it ends, whichever is later; `bot.speaking.started` from the output
 * corrects the start for the output's own delay.
 */
export class PlaybackTracker {
  private itemId: string | undefined;
  private startAt = 0;
  private pushedMs = 0;
  private confirmed = false;

  /** `ms` of audio of `itemId` was pushed towards the output at `now`. */
  pushed(itemId: string, ms: number, now: number): void {
    if (itemId !== this.itemId) {
      const previousEnd = this.itemId === undefined ? 0 : this.startAt + this.pushedMs;
      this.itemId = itemId;
      this.startAt = Math.max(now, previousEnd);
      this.pushedMs = 0;
      this.confirmed = false;
    }
    this.pushedMs += ms;
  }

  /** The output reports that playback began. */
  playbackStarted(now: number): void {
    if (this.itemId !== undefined && !this.confirmed) {
      this.startAt = Math.max(this.startAt, now);
      this.confirmed = true;
    }
  }

  /** The item playing at `now` and how far into it playback is; undefined when all of it has played or nothing was pushed. */
  playing(now: number): { itemId: string; playedMs: number } | undefined {
    if (this.itemId === undefined) return undefined;
    const playedMs = Math.round(Math.min(this.pushedMs, Math.max(0, now - this.startAt)));
    if (playedMs >= this.pushedMs) return undefined;
    return { itemId: this.itemId, playedMs };
  }

  reset(): void {
    this.itemId = undefined;
    this.pushedMs = 0;
    this.confirmed = false;
  }
}
