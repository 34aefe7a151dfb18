import { FrameProcessor } from '../../core/FrameProcessor.ts';
import type { Frame } from '../../core/frames.ts';

/**
 * Where a session's transport (browser, phone, WAV file, test) feeds frames
 * into the graph. Frames pushed upstream past it leave the graph and reach
 * the runner's upstream listeners (errors, mostly).
 */
export class TransportInput extends FrameProcessor {
  /** Inject a frame from the transport, as if it arrived from upstream. */
  feed(frame: Frame): void {
    this.receive(frame, 'downstream');
  }
}
