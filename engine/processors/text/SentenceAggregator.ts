import { type Direction, FrameProcessor } from '../../core/FrameProcessor.ts';
import type { Frame } from '../../core/frames.ts';

/** Words after which a period does not end a sentence. */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'st',
  'prof',
  'sr',
  'jr',
  'vs',
  'etc',
  'e.g',
  'i.e',
  'approx',
  'no',
]);

/**
 * Index just past the first sentence end in `text`, or -1. A sentence ends at
 * . ! ? (or …) followed by whitespace, but not after an abbreviation or
 * between digits ("3.5"), so TTS is never handed half a sentence.
 */
export function sentenceEnd(text: string): number {
  const re = /([.!?…]+)(["')\]]*)(\s+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = text.slice(0, m.index);
    const lastWord = /([\w.]+)$/.exec(before)?.[1]?.toLowerCase() ?? '';
    if (m[1] === '.' && (ABBREVIATIONS.has(lastWord) || /^\w$/.test(lastWord))) continue;
    return m.index + m[1].length + m[2].length;
  }
  return -1;
}

/**
 * Between LLM and TTS: collects streamed `llm.text` into sentences and emits
 * each as `tts.text` as soon as it is complete, so speech starts on the first
 * sentence instead of the whole reply. `llm.text` itself passes on for
 * clients that show the text.
 */
export class SentenceAggregator extends FrameProcessor {
  private buffer = '';

  protected override process(frame: Frame, direction: Direction): void {
    if (direction === 'upstream') return this.push(frame, direction);
    switch (frame.type) {
      case 'llm.response.start':
        this.buffer = '';
        this.push(frame);
        return;
      case 'llm.text':
        this.push(frame);
        this.buffer += frame.text;
        for (let end = sentenceEnd(this.buffer); end >= 0; end = sentenceEnd(this.buffer)) {
          this.emit(this.buffer.slice(0, end));
          this.buffer = this.buffer.slice(end).trimStart();
        }
        return;
      case 'llm.response.end':
        this.emit(this.buffer);
        this.buffer = '';
        this.push(frame);
        return;
      default:
        this.push(frame, direction);
    }
  }

  protected override onInterrupt(): void {
    this.buffer = '';
  }

  private emit(text: string): void {
    const sentence = text.trim();
    if (sentence) this.push(this.frame('tts.text', { text: sentence }));
  }
}
