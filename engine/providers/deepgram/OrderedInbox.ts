/**
 * Handles socket messages strictly in arrival order. The Deepgram SDK hands
 * binary audio over as a `Blob`, whose bytes can only be read asynchronously,
 * while JSON messages arrive already parsed: without a queue a `Flushed`
 * could overtake the audio sent before it.
 */
export class OrderedInbox<T> {
  private tail: Promise<void> = Promise.resolve();
  private generation = 0;

  constructor(
    private readonly handle: (message: T | Uint8Array) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  push(message: T | Blob): void {
    const generation = this.generation;
    const bytes = message instanceof Blob ? message.arrayBuffer() : undefined;
    this.tail = this.tail
      .then(async () => {
        const value = bytes ? new Uint8Array(await bytes) : (message as T);
        // Messages of a socket that was dropped meanwhile are stale.
        if (generation === this.generation) this.handle(value);
      })
      .catch(this.onError);
  }

  /** Forgets everything still queued. */
  reset(): void {
    this.generation++;
  }

  /** Resolves when every message pushed so far was handled. */
  drained(): Promise<void> {
    return this.tail;
  }
}
