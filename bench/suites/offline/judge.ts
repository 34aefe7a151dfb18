/**
 * Scores what the agent heard against what was said. Two measures:
 * - word error rate of the transcript against the label text
 *   (engine/audio/wer.ts; summarise.ts pools it over a set as total errors
 *   over total words);
 * - intent accuracy: the responder's reading of the transcript
 *   (`understand()`, exactly what it decides on) has the labelled intent and,
 *   for a place question, the labelled place — or no place when the user named
 *   none ("what time is it" answered for Tokyo is a wrong answer) — and the
 *   labelled day when one was said. A clarifying question ("Did you mean
 *   Paris?") is not an answer: it counts as wrong, and is also counted
 *   separately, since asking is a far better failure than answering the
 *   wrong question.
 */
import { isPlaceIntent, wordErrorRate } from '#engine';
import type { EvalItem } from './evalItems.ts';

/** The responder's reading of a turn (structurally engine/providers/rules/understand.ts's). */
export interface UnderstandingLike {
  intent: string;
  place?: string;
  day?: string;
  clarify?: boolean;
}

export type UnderstandFn = (text: string) => UnderstandingLike;

export interface Verdict {
  /** Answered the intended question about the intended place and day. */
  correct: boolean;
  /** Asked a clarifying question instead of answering. */
  clarified: boolean;
  understood: UnderstandingLike;
  /** This utterance's word error rate. */
  wer: number;
}

export function judge(
  item: Pick<EvalItem, 'text' | 'intent' | 'place' | 'day'>,
  transcript: string,
  understand: UnderstandFn,
): Verdict {
  const understood = understand(transcript);
  const clarified = understood.clarify === true;
  const correct =
    !clarified &&
    understood.intent === item.intent &&
    placeIsRight(item, understood) &&
    (item.day === undefined || same(understood.day, item.day));
  return { correct, clarified, understood, wer: wordErrorRate(item.text, transcript) };
}

function placeIsRight(
  item: Pick<EvalItem, 'intent' | 'place'>,
  understood: UnderstandingLike,
): boolean {
  if (!isPlaceIntent(item.intent)) return true;
  if (item.place === undefined) return understood.place === undefined;
  return same(understood.place, item.place);
}

function same(a: string | undefined, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
  return a !== undefined && norm(a) === norm(b);
}
