import { hasPhrase, wordSet } from './transcriptWords.ts';

/**
 * The words that signal each built-in intent, written for the normalised
 * transcript (transcriptWords.ts). `strong` cues decide alone; `weak` ones
 * only with a place ("is it hot in cairo") — alone they are ordinary words
 * ("i am cold"). The recogniser's usual confusions of "weather" (pocketsphinx
 * hears "the lever", "web or", "whether") are weak cues: with a listed place
 * they still make a weather question.
 */
export type CueStrength = 'strong' | 'weak';

const WEATHER_WORDS = wordSet(`
  weather forecast forecasts temperature temperatures rain raining rainy snow snowing snowy
  umbrella sunny windy cloudy foggy stormy storm storms thunderstorm humid humidity drizzle
  drizzling sunshine pouring hail hailing showers
`);
const WEATHER_FEELINGS = wordSet(`
  hot cold warm chilly freezing cool wet
`);
/** What pocketsphinx makes of "weather", and clothes people ask about. */
const WEATHER_SOUNDALIKES = wordSet(`
  whether lever wetter weaver feather leather heather coat jacket
`);
const WEATHER_SOUNDALIKE_PHRASES = ['web or', 'wet or', 'wet her', 'we there', 'whether or'];

export function weatherCue(words: readonly string[]): CueStrength | undefined {
  if (words.some((w) => WEATHER_WORDS.has(w))) return 'strong';
  for (const feeling of WEATHER_FEELINGS) {
    // "how hot is it", "is it cold": asking about the air, not saying how one feels.
    if (hasPhrase(words, `how ${feeling}`) || hasPhrase(words, `is it ${feeling}`)) return 'strong';
    if (hasPhrase(words, `be ${feeling}`)) return 'strong';
  }
  if (hasPhrase(words, 'how is it') && !hasPhrase(words, 'how is it going')) return 'weak';
  if (hasPhrase(words, 'what is it like') || hasPhrase(words, 'like outside')) return 'weak';
  // The adjective lost or misheard ("how warm is it in" heard as "how long is it in"), or
  // "like" dropped ("what is it in tokyo"): weak, so only a place heard well makes it the weather.
  if (hasPhrase(words, 'what is it in')) return 'weak';
  if (words[0] === 'how' && words[2] === 'is' && words[3] === 'it' && words[4] === 'in')
    return 'weak';
  if (words.some((w) => WEATHER_FEELINGS.has(w) || WEATHER_SOUNDALIKES.has(w))) return 'weak';
  if (WEATHER_SOUNDALIKE_PHRASES.some((p) => hasPhrase(words, p))) return 'weak';
  return undefined;
}

/** Follow-words of "what time" that make it a question about an event, not the clock ("what time does it open"). */
const EVENT_TIME = wordSet(`
  does do did will should shall can are was would
`);

export function timeCue(words: readonly string[]): CueStrength | undefined {
  const i = words.indexOf('time');
  if (i < 0) return undefined;
  const next = words[i + 1];
  if (words[i - 1] === 'what' && next !== undefined && EVENT_TIME.has(next)) return undefined;
  if (words[i - 1] === 'what' && next === 'is' && words[i + 2] !== 'it') return undefined;
  if (next === 'of' || next === 'to') return undefined; // "the time of my life", "time to go"
  if (['what', 'the', 'current', 'local', 'exact'].includes(words[i - 1] ?? '')) return 'strong';
  if (next === undefined || ['is', 'in', 'at', 'now', 'there', 'right'].includes(next))
    return words.length <= 6 ? 'strong' : 'weak';
  return undefined;
}

export function dateCue(words: readonly string[]): CueStrength | undefined {
  if (hasPhrase(words, 'what day') || hasPhrase(words, 'which day')) return 'strong';
  if (hasPhrase(words, 'day of the week') || hasPhrase(words, 'day is it')) return 'strong';
  if (hasPhrase(words, 'what date') || hasPhrase(words, 'the date')) return 'strong';
  if (hasPhrase(words, 'today date') || hasPhrase(words, 'what is today')) return 'strong';
  if (hasPhrase(words, 'date today') || hasPhrase(words, 'date in')) return 'strong';
  if (hasPhrase(words, 'tomorrow date') || hasPhrase(words, 'date tomorrow')) return 'strong';
  return undefined;
}

const JOKING = wordSet('joke jokes joking funny laugh pun puns');

/** What pocketsphinx makes of "joke" after "tell me a" ("tell me a dog"). */
const JOKE_SOUNDALIKES = wordSet('dog joe jug jock choke coke joker jokey');

export function jokeCue(words: readonly string[]): boolean {
  const told =
    words.indexOf('tell') >= 0 && (hasPhrase(words, 'me a') || hasPhrase(words, 'me another'));
  if (told && JOKE_SOUNDALIKES.has(words[words.length - 1])) return true;
  return words.some((w) => JOKING.has(w)) || hasPhrase(words, 'cheer me up');
}

export function identityCue(words: readonly string[]): boolean {
  // "what are you" alone asks what the bot is; "what are you doing" does not.
  if (hasPhrase(words, 'what are you') && words[words.length - 1] === 'you') return true;
  return [
    'who are you',
    'your name',
    'who is this',
    'who am i talking to',
    'who am i speaking to',
    'are you a robot',
    'are you human',
    'are you a person',
    'are you real',
    'are you a computer',
    'are you a bot',
    'who made you',
    'who built you',
    'who created you',
    'introduce yourself',
    'tell me about yourself',
    'what should i call you',
  ].some((p) => hasPhrase(words, p));
}

export function capabilitiesCue(words: readonly string[]): boolean {
  if (words.length <= 3 && (words.includes('help') || words.includes('options'))) return true;
  // Its first word lost ("[what] can you do", "[how] can you help me").
  if (words.length <= 5 && (hasPhrase(words, 'can you do') || hasPhrase(words, 'can you help')))
    return true;
  return [
    'what can you do',
    'what do you do',
    'what can i ask',
    'what can i say',
    'what do you know',
    'how can you help',
    'what are you able to',
    'what can you tell me',
    'what else can you',
    'what are your skills',
    'what can you help',
    'what are you good at',
    'how do i use you',
    'what do you understand',
  ].some((p) => hasPhrase(words, p));
}

export function thanksCue(words: readonly string[]): boolean {
  return (
    words.some((w) => ['thanks', 'thank', 'cheers', 'thx'].includes(w)) ||
    hasPhrase(words, 'appreciate it') ||
    hasPhrase(words, 'much obliged')
  );
}

export function goodbyeCue(words: readonly string[]): boolean {
  return (
    words.some((w) => ['bye', 'goodbye', 'farewell', 'goodnight', 'cheerio'].includes(w)) ||
    [
      'see you',
      'good night',
      'talk to you later',
      'that is all',
      'that will be all',
      'i am done',
    ].some((p) => hasPhrase(words, p))
  );
}

const GREETING_STARTS = ['hi', 'hello', 'hey', 'hiya', 'howdy', 'greetings', 'yo'];

export function greetingCue(words: readonly string[]): boolean {
  if (GREETING_STARTS.includes(words[0] ?? '')) return true;
  if (
    ['good morning', 'good afternoon', 'good evening', 'good day'].some((p) => hasPhrase(words, p))
  )
    return true;
  return [
    'how are you',
    'how is it going',
    'how are things',
    'how do you do',
    'nice to meet you',
  ].some((p) => hasPhrase(words, p));
}

const STOP_WORDS = wordSet(`
  stop quiet shush hush enough cancel silence pause halt
`);
const STOP_PHRASES = [
  'be quiet',
  'shut up',
  'never mind',
  'nevermind',
  'stop talking',
  'that is enough',
  'hold on',
];

/** What may follow a stop word in a command to be quiet ("stop it", "quiet please"); anything else makes it a request ("cancel my order"). */
const STOP_TAILS = wordSet('it that now talking there right please already for a second moment');

/**
 * A barge-in: a short command to be quiet. Pocketsphinx often hears a lone
 * "stop" as "top", so that counts when it is all that was heard.
 */
export function stopCue(words: readonly string[]): boolean {
  if (words.length === 0 || words.length > 4) return false;
  if (words.length <= 2 && words[0] === 'top') return true;
  if (STOP_PHRASES.some((p) => hasPhrase(words, p))) return true;
  const lead = ['okay', 'ok', 'oh', 'no', 'please', 'just'].includes(words[0]) ? 1 : 0;
  if (!STOP_WORDS.has(words[lead] ?? '')) return false;
  return words.slice(lead + 1).every((w) => STOP_TAILS.has(w));
}

const YES = wordSet(`
  yes yeah yep yup sure correct right exactly okay ok indeed aye affirmative
`);
const NO = wordSet(`
  no nope nah wrong negative not
`);

/** A short answer to a yes/no question, or undefined when the words are not one. */
export function yesOrNo(words: readonly string[]): 'yes' | 'no' | undefined {
  if (words.length === 0) return undefined;
  if (NO.has(words[0]) || hasPhrase(words, 'that is wrong') || hasPhrase(words, 'not really'))
    return 'no';
  if (YES.has(words[0]) || hasPhrase(words, 'please do') || hasPhrase(words, 'go ahead'))
    return 'yes';
  if (
    hasPhrase(words, 'that is right') ||
    hasPhrase(words, 'you got it') ||
    hasPhrase(words, 'i did')
  )
    return 'yes';
  return undefined;
}

/** "what about …", "and in …", "how about …": the turn builds on the one before. */
export function followUpCue(words: readonly string[]): boolean {
  return (
    words[0] === 'and' ||
    hasPhrase(words, 'what about') ||
    hasPhrase(words, 'how about') ||
    hasPhrase(words, 'what of') ||
    words[0] === 'there' ||
    hasPhrase(words, 'same for') ||
    hasPhrase(words, 'there too')
  );
}

export type Day = 'today' | 'tomorrow';

export function dayCue(words: readonly string[]): Day | undefined {
  if (words.includes('tomorrow') || hasPhrase(words, 'the next day')) return 'tomorrow';
  if (['today', 'tonight', 'now', 'currently'].some((w) => words.includes(w))) return 'today';
  return undefined;
}
