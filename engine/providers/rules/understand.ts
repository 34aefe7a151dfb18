import { INTENT_PATTERN_LIMITS } from './IntentPattern.ts';
import {
  capabilitiesCue,
  type Day,
  dateCue,
  dayCue,
  followUpCue,
  goodbyeCue,
  greetingCue,
  identityCue,
  jokeCue,
  stopCue,
  thanksCue,
  timeCue,
  weatherCue,
  yesOrNo,
} from './intentCues.ts';
import { findPlace, type PlaceMatch } from './placeMatcher.ts';
import { transcriptWords } from './transcriptWords.ts';

/** Everything the rule-based responder recognises; `fallback` is "none of these". */
export const INTENTS = [
  'weather',
  'time',
  'date',
  'joke',
  'greeting',
  'identity',
  'capabilities',
  'thanks',
  'goodbye',
  'stop',
  'fallback',
] as const;
export type Intent = (typeof INTENTS)[number];

/** What the rule-based responder makes of one user turn. */
export interface Understanding {
  intent: Intent;
  /** Canonical place name when the intent has one ('Tokyo', 'New York'). */
  place?: string;
  /** Weather and the date: which day was asked about. */
  day?: Day;
  /** True when the responder is unsure and asks a clarifying question instead of answering. */
  clarify?: boolean;
}

/** Intents about a place in the world, which follow-ups ("and in Paris?") carry on. */
export const PLACE_INTENTS = ['weather', 'time', 'date'] as const;
export type PlaceIntent = (typeof PLACE_INTENTS)[number];

/** What a follow-up needs from earlier turns. Derived from the conversation by `dialogueStateFrom`. */
export interface DialogueState {
  /** The last place question answered or asked about. */
  topic?: PlaceIntent;
  /** Its place, once confirmed or answered; unconfirmed guesses stay in `suggestion`. */
  place?: string;
  /** Its day (weather). */
  day?: Day;
  /** The last reply asked a question: to confirm `suggestion`, or which place. */
  awaiting?: 'confirmation' | 'place';
  suggestion?: Understanding;
  /** Jokes told so far in the conversation, so the next one is a different one. */
  jokesTold: number;
  /** The last turn's intent: "another one" after a joke is a joke. */
  last?: string;
}

export const INITIAL_DIALOGUE_STATE: DialogueState = { jokesTold: 0 };

/** Turns replayed to rebuild the state: follow-ups look one or two turns back, and replaying costs ~0.15 ms a turn. */
const REPLAYED_TURNS = 20;

/**
 * The dialogue state after `userTurns` (oldest first), rebuilt by
 * understanding each in turn. Deriving it from the conversation, rather than
 * keeping it in the processor, means a hot-reloaded responder (a new
 * instance, same conversation) carries on where the old one was.
 */
export function dialogueStateFrom(userTurns: readonly string[]): DialogueState {
  let state = INITIAL_DIALOGUE_STATE;
  for (const turn of userTurns.slice(-REPLAYED_TURNS)) {
    state = nextDialogueState(state, understand(turn, state));
  }
  return state;
}

export function nextDialogueState(previous: DialogueState, heard: Understanding): DialogueState {
  const jokesTold = previous.jokesTold + (heard.intent === 'joke' ? 1 : 0);
  const last = heard.intent;
  if (!isPlaceIntent(heard.intent)) {
    // Anything else answers no pending question: the next turn starts afresh, but follow-ups still know the topic.
    return { topic: previous.topic, place: previous.place, day: previous.day, jokesTold, last };
  }
  if (heard.clarify) {
    return {
      topic: heard.intent,
      place: previous.place,
      day: heard.day ?? previous.day,
      awaiting: heard.place ? 'confirmation' : 'place',
      suggestion: heard.place ? withoutClarify(heard) : undefined,
      jokesTold,
      last,
    };
  }
  return { topic: heard.intent, place: heard.place, day: heard.day, jokesTold, last };
}

/**
 * What `text` (a user's turn, as the recogniser heard it) asks, given the
 * dialogue so far. Pure and synchronous: the responder decides with it, and
 * benchmarks score recognised transcripts with it.
 */
export function understand(
  text: string,
  previous: DialogueState = INITIAL_DIALOGUE_STATE,
): Understanding {
  // A turn this long is pasted text, not speech: it gets the fallback, as it does from the graph's patterns.
  if (text.length > INTENT_PATTERN_LIMITS.maxMatchedChars) return { intent: 'fallback' };
  const words = transcriptWords(text);
  if (words.length === 0) return { intent: 'fallback' };
  if (stopCue(words)) return { intent: 'stop' };
  return (
    answerToOurQuestion(words, previous) ??
    placeQuestion(words, previous) ??
    conversational(words) ??
    anotherJoke(words, previous) ??
    followUp(words, previous) ??
    barePlace(words) ?? { intent: 'fallback' }
  );
}

function withoutClarify({ clarify: _, ...sure }: Understanding): Understanding {
  return sure;
}

export function isPlaceIntent(intent: string): intent is PlaceIntent {
  return (PLACE_INTENTS as readonly string[]).includes(intent);
}

/** The reply to "Did you mean …?" or "Which city?". */
function answerToOurQuestion(
  words: readonly string[],
  previous: DialogueState,
): Understanding | undefined {
  const { awaiting, topic } = previous;
  if (!awaiting || !topic) return undefined;
  // A new question of its own ("no, what time is it") is answered as such.
  if (timeCue(words) === 'strong' || dateCue(words) === 'strong' || weatherCue(words) === 'strong')
    return undefined;
  const answer = yesOrNo(words);
  const place = findPlace(words, { fuzzyAnywhere: true });
  if (awaiting === 'confirmation' && previous.suggestion) {
    if (answer === 'yes' && !place) return previous.suggestion;
    // "no thanks" declines the question itself: drop it rather than ask again.
    if (answer === 'no' && thanksCue(words)) return { intent: 'stop' };
    if (answer === 'no' && !place) return { intent: topic, day: previous.day, clarify: true };
  }
  if (place && (answer !== undefined || words.length - (place.end - place.start) <= 2)) {
    return placeAnswer(
      topic,
      place,
      topic === 'weather' ? (dayCue(words) ?? previous.day) : undefined,
    );
  }
  return undefined;
}

function placeAnswer(intent: PlaceIntent, place: PlaceMatch, day?: Day): Understanding {
  return {
    intent,
    place: place.name,
    ...(intent === 'weather' ? { day: day ?? 'today' } : {}),
    ...(place.quality === 'weak' ? { clarify: true } : {}),
  };
}

/** A question about the weather, time or date, with or without its place. */
function placeQuestion(
  words: readonly string[],
  previous: DialogueState,
): Understanding | undefined {
  const weather = weatherCue(words);
  const time = timeCue(words);
  const date = dateCue(words);
  const place = findPlace(words, { fuzzyAnywhere: words.length <= 4 });
  const continuing = followUpCue(words);
  if ((time === 'strong' || date === 'strong') && weather !== 'strong') {
    const intent = time === 'strong' ? 'time' : 'date';
    // "what's the date tomorrow": only the date has a tomorrow; the time tomorrow is the time now.
    const day =
      intent === 'date' && dayCue(words) === 'tomorrow' ? { day: 'tomorrow' as const } : {};
    if (!place) return { intent, ...day };
    return {
      intent,
      place: place.name,
      ...day,
      ...(place.quality === 'weak' ? { clarify: true } : {}),
    };
  }
  if (!weather) return undefined;
  const day = dayCue(words) ?? (continuing ? previous.day : undefined) ?? 'today';
  // A weak cue with a phrase no list knows is an ordinary sentence ("i left my coat in the car").
  if (place && !(weather === 'weak' && place.quality === 'unlisted')) {
    const sure = weather === 'strong' ? place.quality !== 'weak' : place.quality === 'exact';
    return { intent: 'weather', place: place.name, day, ...(sure ? {} : { clarify: true }) };
  }
  if (weather === 'weak') return undefined;
  // "will it rain tomorrow" after a question about Paris is about Paris.
  if (previous.place && previous.topic) return { intent: 'weather', place: previous.place, day };
  return { intent: 'weather', day, clarify: true };
}

/** Small talk. Goodbye before thanks: "thanks, bye" ends the conversation. */
function conversational(words: readonly string[]): Understanding | undefined {
  if (jokeCue(words)) return { intent: 'joke' };
  if (identityCue(words)) return { intent: 'identity' };
  if (capabilitiesCue(words)) return { intent: 'capabilities' };
  if (goodbyeCue(words)) return { intent: 'goodbye' };
  if (thanksCue(words)) return { intent: 'thanks' };
  if (greetingCue(words)) return { intent: 'greeting' };
  return undefined;
}

/** "another one", "one more" right after a joke. */
function anotherJoke(words: readonly string[], previous: DialogueState): Understanding | undefined {
  if (previous.last !== 'joke' || words.length > 5) return undefined;
  const more = ['another', 'more', 'again'].some((w) => words.includes(w));
  return more ? { intent: 'joke' } : undefined;
}

/** Words that may stand beside a place said on its own ("in paris", "what about tokyo"). */
const AROUND_A_PLACE = new Set([
  'in',
  'for',
  'at',
  'the',
  'and',
  'about',
  'what',
  'how',
  'okay',
  'then',
  'there',
  // Openers the recogniser hears in front of a clipped question ("but in tokyo").
  'but',
  'so',
  'well',
  'oh',
]);

/** Whether the place is all that was said, give or take "in", "and", "what about". */
function isAlone(words: readonly string[], place: PlaceMatch): boolean {
  return words.every((w, i) => (i >= place.start && i < place.end) || AROUND_A_PLACE.has(w));
}

/** "and in Paris?", "what about tomorrow?": the last place question, changed. */
function followUp(words: readonly string[], previous: DialogueState): Understanding | undefined {
  const { topic } = previous;
  if (!topic) return undefined;
  const continuing = followUpCue(words);
  if (!continuing && words.length > 3) return undefined;
  const place = findPlace(words, { fuzzyAnywhere: true });
  const day = dayCue(words);
  // Without "and"/"what about", only a name heard nearly right, said alone, follows on: noise sounds like places too.
  const nearlyRight = place?.quality === 'exact' || place?.quality === 'close';
  if (place && (continuing || (nearlyRight && isAlone(words, place)))) {
    return placeAnswer(topic, place, topic === 'weather' ? (day ?? previous.day) : undefined);
  }
  // Only the weather has a tomorrow worth asking for: "and tomorrow?" after the time asks for the forecast.
  if (day === 'tomorrow' || (day && topic === 'weather')) {
    if (previous.place) return { intent: 'weather', place: previous.place, day };
    return { intent: 'weather', day, clarify: true };
  }
  return undefined;
}

/** A place said alone, with nothing before it to follow: most likely a weather question. */
function barePlace(words: readonly string[]): Understanding | undefined {
  if (words.length > 3) return undefined;
  const place = findPlace(words, { fuzzyAnywhere: true });
  // Only a name heard nearly right: a loose sound-alike of two words is more often noise ("so off" and Sofia).
  if (!place || (place.quality !== 'exact' && place.quality !== 'close')) return undefined;
  if (!isAlone(words, place)) return undefined; // "flights to paris" is not about its weather
  return { intent: 'weather', place: place.name, day: 'today', clarify: true };
}
