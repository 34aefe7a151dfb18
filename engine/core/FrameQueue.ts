import type { Frame } from './frames.ts';

export interface QueuedFrame<D> {
  frame: Frame;
  direction: D;
  /** The owner's interrupt count when the frame was queued. */
  epoch: number;
}

/**
 * FIFO of frames with O(1) push/shift. A plain array's shift() is O(n), which
 * would show up under load on exactly the hot path we care about.
 */
export class FrameQueue<D> {
  private items: Array<QueuedFrame<D>> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(frame: Frame, direction: D, epoch: number): void {
    this.items.push({ frame, direction, epoch });
  }

  unshift(frame: Frame, direction: D, epoch: number): void {
    if (this.head > 0) {
      this.items[--this.head] = { frame, direction, epoch };
    } else {
      this.items.unshift({ frame, direction, epoch });
    }
  }

  shift(): QueuedFrame<D> | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
