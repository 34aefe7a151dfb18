import type { CutReply } from './capAssistantReply.ts';

/** One spoken segment (a sentence, as TTS spoke it) of the bot's current reply. */
interface Segment {
  name: string;
  text: string;
  /** Audio handed to Twilio for it so far (ms). */
  audioMs: number;
  /** When its first audio went out (performance.now()). */
  firstAudioAt: number | undefined;
  /** 'open' while audio is still coming, 'sent' once its mark went out, 'played' once Twilio echoed that mark. */
  state: 'open' | 'sent' | 'played';
  playedAt: number | undefined;
}

/**
 * What the caller has heard, learnt from Twilio's `mark` echoes. A mark is sent
 * after each spoken segment; Twilio echoes it once the caller's phone has
 * played everything before it, and — after a `clear` — echoes the marks still
 * queued at once. So at a barge-in, the segments whose marks came back are the
 * ones heard to the end, and the first one that did not was cut somewhere:
 * it has been playing since the previous mark came back.
 */
export class SpokenMarks {
  private next = 1;
  /** Segments of the reply being spoken (since the last llm.response.start). */
  private segments: Segment[] = [];
  private readonly byName = new Map<string, Segment>();

  /** A new reply starts: earlier segments no longer matter for what was heard. */
  beginReply(): void {
    this.segments = [];
  }

  /** A new segment begins; returns the mark closing the previous one, if it had audio. */
  begin(text: string): string | undefined {
    const closing = this.end();
    this.segments.push(this.segment(text));
    return closing;
  }

  addAudio(ms: number, now = performance.now()): void {
    let open = this.open();
    if (!open) {
      open = this.segment('');
      this.segments.push(open);
    }
    open.firstAudioAt ??= now;
    open.audioMs += ms;
  }

  /** The bot stopped talking: returns the mark for the open segment, if it had audio. */
  end(): string | undefined {
    const open = this.open();
    if (!open) return undefined;
    if (open.audioMs === 0) {
      this.segments.pop(); // never spoken: nothing to learn about it
      return undefined;
    }
    open.state = 'sent';
    this.byName.set(open.name, open);
    return open.name;
  }

  /** Twilio echoed a mark: the segment played to the end — unless the echo answers our `clear`. */
  played(name: string, now = performance.now()): { text: string; audioMs: number } | undefined {
    const segment = this.byName.get(name);
    if (!segment) return undefined;
    this.byName.delete(name);
    if (segment.state === 'sent') {
      segment.state = 'played';
      segment.playedAt = now;
    }
    return { text: segment.text, audioMs: segment.audioMs };
  }

  /**
   * Barge-in at `now` (the moment `clear` goes out): the words of the current
   * reply the caller heard. Whole segments whose marks came back, then the
   * share of the cut segment's words matching how long it had been playing.
   * Undefined when nothing of the reply was cut (nothing to correct).
   */
  clear(now = performance.now()): CutReply | undefined {
    const heard: string[] = [];
    let playingSince: number | undefined;
    let cut = false;
    for (const segment of this.segments) {
      if (segment.state === 'played') {
        heard.push(segment.text);
        playingSince = segment.playedAt;
        continue;
      }
      if (segment.audioMs > 0) {
        cut = true;
        const startedAt = Math.max(playingSince ?? -Infinity, segment.firstAudioAt ?? now);
        const share = Math.min(1, Math.max(0, now - startedAt) / segment.audioMs);
        const words = segment.text.split(/\s+/).filter(Boolean);
        heard.push(words.slice(0, Math.floor(share * words.length)).join(' '));
      }
      break;
    }
    const planned = this.segments
      .map((s) => s.text)
      .filter(Boolean)
      .join(' ');
    // Marks still out are echoed at once after a clear: those echoes mean "dropped", not "played".
    for (const segment of this.byName.values()) segment.state = 'open';
    this.segments = [];
    return cut ? { planned, heard: heard.filter(Boolean).join(' ') } : undefined;
  }

  /** Marks sent whose echo has not come back yet. */
  get outstanding(): number {
    return this.byName.size;
  }

  private open(): Segment | undefined {
    const last = this.segments[this.segments.length - 1];
    return last?.state === 'open' ? last : undefined;
  }

  private segment(text: string): Segment {
    return {
      name: `seg-${this.next++}`,
      text,
      audioMs: 0,
      firstAudioAt: undefined,
      state: 'open',
      playedAt: undefined,
    };
  }
}
