import type { FrameOf } from '../../engine/core/frames.ts';
import type { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import { pcmChunks } from '../fixtures/speech/speechFixtures.ts';

/**
 * Sends a clip to an audio processor as a microphone would: 20 ms `audio.in`
 * frames, 20 ms of virtual time apart. Returns the frames sent.
 */
export async function sendClip(
  h: ProcessorHarness,
  samples: Int16Array,
  sampleRate = 16000,
): Promise<FrameOf<'audio.in'>[]> {
  const sent: FrameOf<'audio.in'>[] = [];
  for (const chunk of pcmChunks(samples)) {
    await h.advance(20);
    const frame = h.frame('audio.in', { audio: chunk.slice(), sampleRate });
    sent.push(frame);
    await h.send(frame);
    await h.idle();
  }
  return sent;
}

/** The `audio.in` frames a processor passed on, from the `from`th. */
export function audioInFrames(h: ProcessorHarness, from = 0): FrameOf<'audio.in'>[] {
  return (h.downstream('audio.in') as FrameOf<'audio.in'>[]).slice(from);
}

/** Frames' audio end to end. */
export function joinAudio(frames: readonly FrameOf<'audio.in'>[]): Int16Array {
  const out = new Int16Array(frames.reduce((n, f) => n + f.audio.length, 0));
  let offset = 0;
  for (const f of frames) {
    out.set(f.audio, offset);
    offset += f.audio.length;
  }
  return out;
}
