/** A stretch of user speech, ready to be transcribed. */
export interface SpeechSegment {
  samples: Int16Array;
  sampleRate: number;
  durationMs: number;
}

interface Chunk {
  audio: Int16Array;
  /** Clock time at which this chunk's audio ends. */
  endAt: number;
}

/**
 * Cuts the microphone stream into utterances for a segment-based recogniser.
 * It always keeps the last `preRollMs` of audio, because the VAD says
 * "speech started" only after hearing some of it: `start(speechStartedAt)`
 * reaches back into that ring so the first syllable is not lost. Audio is
 * timed by when it arrived, on the same clock the VAD stamps its events with.
 */
export class SpeechSegmentRecorder {
  private ring: Chunk[] = [];
  private segment: Int16Array[] | undefined;
  private segmentSamples = 0;
  private sampleRate = 0;

  constructor(
    private readonly preRollMs: number,
    private readonly maxSegmentMs: number,
  ) {}

  get recording(): boolean {
    return this.segment !== undefined;
  }

  /**
   * Adds audio ending at `endAt`. Returns a segment when the one being
   * recorded reached `maxSegmentMs` (recording goes on in a new one), so a
   * monologue is transcribed in pieces instead of growing without bound.
   */
  push(audio: Int16Array, sampleRate: number, endAt: number): SpeechSegment | undefined {
    let cut: SpeechSegment | undefined;
    if (sampleRate !== this.sampleRate) {
      // A new rate means a new stream: old audio cannot be joined to it.
      const wasRecording = this.recording;
      cut = this.stop();
      if (cut?.samples.length === 0) cut = undefined;
      this.ring = [];
      this.sampleRate = sampleRate;
      if (wasRecording) this.segment = [];
    }
    this.ring.push({ audio, endAt });
    const keepFrom = endAt - this.preRollMs;
    while (this.ring.length > 1 && this.ring[0].endAt <= keepFrom) this.ring.shift();
    if (!this.segment) return cut;
    this.segment.push(audio);
    this.segmentSamples += audio.length;
    if (this.durationMs(this.segmentSamples) < this.maxSegmentMs) return cut;
    const full = this.stop();
    this.segment = [];
    return full;
  }

  /** Begins a segment with the buffered audio from `from` (clock ms) on. */
  start(from: number): void {
    this.segment = [];
    this.segmentSamples = 0;
    for (const chunk of this.ring) {
      const startAt = chunk.endAt - this.durationMs(chunk.audio.length);
      if (chunk.endAt <= from) continue;
      const skip = startAt < from ? Math.round(((from - startAt) / 1000) * this.sampleRate) : 0;
      const part = chunk.audio.subarray(Math.min(skip, chunk.audio.length));
      this.segment.push(part);
      this.segmentSamples += part.length;
    }
  }

  /** Ends the segment and returns its audio (undefined if none was being recorded). */
  stop(): SpeechSegment | undefined {
    const parts = this.segment;
    this.segment = undefined;
    if (!parts) return undefined;
    const samples = new Int16Array(this.segmentSamples);
    let offset = 0;
    for (const p of parts) {
      samples.set(p, offset);
      offset += p.length;
    }
    this.segmentSamples = 0;
    return { samples, sampleRate: this.sampleRate, durationMs: this.durationMs(samples.length) };
  }

  private durationMs(samples: number): number {
    return this.sampleRate > 0 ? (samples / this.sampleRate) * 1000 : 0;
  }
}
