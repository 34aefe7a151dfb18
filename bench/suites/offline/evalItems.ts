/**
 * The corpus as items to run: an id, the split, the voice that speaks it and
 * the labels. Checks the data file as it loads, so a typo in a label fails the
 * bench (and CI) with the line that has it, not a silently wrong score.
 */
import {
  type CorpusLine,
  HELD_OUT,
  HELD_OUT_VOICES,
  INTENTS,
  type Intent,
  TUNING,
  TUNING_VOICES,
} from './corpus.ts';
import { type VoiceSpec, voiceId } from './voices.ts';

export type Split = 'tuning' | 'heldOut';

export interface EvalItem {
  /** `tuning-07`, `heldOut-12`: the split and the line's index in it. */
  id: string;
  split: Split;
  text: string;
  intent: Intent;
  place?: string;
  day?: string;
  voice: VoiceSpec;
}

export function corpusItems(): EvalItem[] {
  return [
    ...toItems('tuning', TUNING, TUNING_VOICES),
    ...toItems('heldOut', HELD_OUT, HELD_OUT_VOICES),
  ];
}

/** Checks and numbers one split's lines; throws naming the line at fault. */
export function toItems(
  split: Split,
  lines: readonly CorpusLine[],
  voices: readonly VoiceSpec[],
): EvalItem[] {
  return lines.map(([text, intent, place, day], index) => {
    const where = `bench/suites/offline/corpus.ts ${split === 'tuning' ? 'TUNING' : 'HELD_OUT'}[${index}] ("${text}")`;
    if (text.trim() === '') throw new Error(`${where}: empty text`);
    if (!INTENTS.includes(intent)) throw new Error(`${where}: unknown intent '${intent}'`);
    if (place !== undefined && !text.toLowerCase().includes(place.toLowerCase()))
      throw new Error(`${where}: place '${place}' is not in the text`);
    if (place !== undefined && !['weather', 'time', 'date'].includes(intent))
      throw new Error(`${where}: only weather, time and date take a place, not '${intent}'`);
    if (day !== undefined && !text.toLowerCase().includes(day.toLowerCase()))
      throw new Error(`${where}: day '${day}' is not in the text`);
    return {
      id: `${split}-${String(index).padStart(2, '0')}`,
      split,
      text,
      intent,
      ...(place === undefined ? {} : { place }),
      ...(day === undefined ? {} : { day }),
      voice: voices[index % voices.length],
    };
  });
}

/** The wording with the place taken out: two lines with the same phrasing give the same string. */
export function phrasingOf(item: Pick<EvalItem, 'text' | 'place'>): string {
  let text = item.text.toLowerCase();
  if (item.place) text = text.replace(item.place.toLowerCase(), '{place}');
  return text
    .replace(/[^a-z{}' ]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function describeVoices(items: readonly EvalItem[]): string[] {
  return [...new Set(items.map((i) => voiceId(i.voice)))];
}
