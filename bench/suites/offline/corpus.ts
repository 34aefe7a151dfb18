/**
 * The offline agent's evaluation set: what a user says, and what the agent
 * should make of it. Each line is `[text, intent, place?, day?]`; `place` is
 * the city a weather or time answer must be about, `day` is set only when the
 * user names one ("tomorrow"). Requests the agent cannot serve (book a table,
 * play music …) are labelled `fallback`: the right outcome is to say so, not to
 * guess an intent.
 *
 * THE HELD-OUT RULE. `HELD_OUT` is for reporting only: nobody looks at its
 * results while tuning anything (patterns, biasing, thresholds); tune on
 * `TUNING` and read held-out once at the end. To keep it a real test of
 * generalisation, held-out utterances differ from tuning ones in both ways
 * that matter:
 *   - phrasing: no held-out sentence has the same wording as a tuning one
 *     once the place is taken out ("what's the weather in {place}" appears in
 *     one split only). Some held-out cities (Denver, Moscow, Las Vegas, Buenos
 *     Aires) appear nowhere in tuning;
 *   - voice: the two splits are spoken by disjoint sets of voices
 *     (`TUNING_VOICES`, `HELD_OUT_VOICES`; utterance i of a split takes voice
 *     i mod n of its list).
 * test/eval/corpus.test.ts checks both.
 */
import type { Intent } from '#engine';
import type { VoiceSpec } from './voices.ts';

/** The labels are the responder's own intents (engine/providers/rules/understand.ts). */
export { INTENTS, type Intent } from '#engine';

export type CorpusLine = readonly [string, Intent, string?, string?];

export const TUNING: readonly CorpusLine[] = [
  // weather: forecast, rain, snow, temperature, hot, cold, umbrella; one- and two-word cities
  ["what's the weather in Tokyo", 'weather', 'Tokyo'],
  ["what's the weather like in London", 'weather', 'London'],
  ['will it rain in Paris tomorrow', 'weather', 'Paris', 'tomorrow'],
  ['is it going to snow in Chicago', 'weather', 'Chicago'],
  ["what's the temperature in Berlin", 'weather', 'Berlin'],
  ['how hot is it in Madrid', 'weather', 'Madrid'],
  ['how cold is it in Toronto today', 'weather', 'Toronto'],
  ['do I need an umbrella in Seattle', 'weather', 'Seattle'],
  ["what's the forecast for New York tomorrow", 'weather', 'New York', 'tomorrow'],
  ['weather in San Francisco', 'weather', 'San Francisco'],
  ['is it raining in Dublin', 'weather', 'Dublin'],
  ['give me the forecast for Sydney', 'weather', 'Sydney'],
  [
    "what's the weather going to be like in Los Angeles tomorrow",
    'weather',
    'Los Angeles',
    'tomorrow',
  ],
  ["how's the weather in Boston", 'weather', 'Boston'],
  ['tell me the weather in Hong Kong', 'weather', 'Hong Kong'],
  ['is it sunny in Rome', 'weather', 'Rome'],
  ['what will the weather be in Mexico City tomorrow', 'weather', 'Mexico City', 'tomorrow'],
  ['how warm is it in Cape Town', 'weather', 'Cape Town'],
  ['will I need a coat in Berlin tomorrow', 'weather', 'Berlin', 'tomorrow'],
  // time and date, here and in a named place
  ['what time is it', 'time'],
  ['what time is it in Tokyo', 'time', 'Tokyo'],
  ["what's the time in London", 'time', 'London'],
  ["what's the date today", 'date'],
  ['what day is it today', 'date'],
  ['tell me the time', 'time'],
  // joke
  ['tell me a joke', 'joke'],
  ['do you know any jokes', 'joke'],
  ['make me laugh', 'joke'],
  ['tell me something funny', 'joke'],
  // greeting
  ['hello', 'greeting'],
  ['hi there', 'greeting'],
  ['good morning', 'greeting'],
  ['hey there', 'greeting'],
  // identity
  ['who are you', 'identity'],
  ["what's your name", 'identity'],
  ['what are you', 'identity'],
  // capabilities
  ['what can you do', 'capabilities'],
  ['how can you help me', 'capabilities'],
  ['what are you able to do', 'capabilities'],
  // thanks
  ['thank you', 'thanks'],
  ['thanks a lot', 'thanks'],
  ['thank you very much', 'thanks'],
  // goodbye
  ['goodbye', 'goodbye'],
  ['bye for now', 'goodbye'],
  ['see you later', 'goodbye'],
  // stop
  ['stop', 'stop'],
  ['be quiet', 'stop'],
  ['stop talking', 'stop'],
  // out of scope
  ['book a table for two at seven', 'fallback'],
  ['play some music', 'fallback'],
  ['set a timer for ten minutes', 'fallback'],
  ['call my mother', 'fallback'],
  ['turn off the lights in the kitchen', 'fallback'],
  ['send an email to John', 'fallback'],
  ['remind me to buy milk tomorrow', 'fallback'],
  ["what's on my calendar today", 'fallback'],
  ['order a pizza', 'fallback'],
  ['how do I get to the airport', 'fallback'],
  ['read me the latest news', 'fallback'],
  ['turn the volume up', 'fallback'],
  ['who won the football game', 'fallback'],
  ["what's two plus two", 'fallback'],
];

export const HELD_OUT: readonly CorpusLine[] = [
  ['could you check the weather in Toronto', 'weather', 'Toronto'],
  ["I'd like to know the weather in Paris", 'weather', 'Paris'],
  ['is it going to rain tomorrow in London', 'weather', 'London', 'tomorrow'],
  ["how's the weather looking in Sydney tomorrow", 'weather', 'Sydney', 'tomorrow'],
  ['what temperature is it in Tokyo right now', 'weather', 'Tokyo'],
  ['should I take an umbrella in Dublin today', 'weather', 'Dublin'],
  ['any snow expected in Denver', 'weather', 'Denver'],
  ['how hot will it be in Las Vegas tomorrow', 'weather', 'Las Vegas', 'tomorrow'],
  ["what's the weather like over in Buenos Aires", 'weather', 'Buenos Aires'],
  ['is it cold outside in Moscow', 'weather', 'Moscow'],
  ['do you have the time', 'time'],
  ["what's the time right now in New York", 'time', 'New York'],
  ["what's today's date", 'date'],
  ['I want to hear a joke', 'joke'],
  ['got any good jokes', 'joke'],
  ['good evening', 'greeting'],
  ['hello there', 'greeting'],
  ['what should I call you', 'identity'],
  ['tell me who you are', 'identity'],
  ['what are you good at', 'capabilities'],
  ['what sort of things can you help with', 'capabilities'],
  ['cheers thanks', 'thanks'],
  ["that's great thank you", 'thanks'],
  ["that's all goodbye", 'goodbye'],
  ['talk to you later bye', 'goodbye'],
  ['okay stop', 'stop'],
  ['please be quiet', 'stop'],
  ['buy tickets for the cinema', 'fallback'],
  ["what's the price of bitcoin", 'fallback'],
  ['turn on the heating', 'fallback'],
  ['find a recipe for pancakes', 'fallback'],
  ["text my brother I'm late", 'fallback'],
];

/**
 * Synthetic voices, disjoint between the splits. Flite's voices are CMU's, as
 * the recogniser is, and pocketsphinx hears them well; espeak-ng's formant
 * voices are much harder for it. Both splits mix the two kinds.
 */
export const TUNING_VOICES: readonly VoiceSpec[] = [
  { engine: 'flite', name: 'slt' },
  { engine: 'espeak', name: 'en-us', wpm: 160, pitch: 50 },
  { engine: 'flite', name: 'awb' },
  { engine: 'espeak', name: 'en-us+f2', wpm: 170, pitch: 35 },
  { engine: 'flite', name: 'kal16' },
  { engine: 'espeak', name: 'en-us+klatt2', wpm: 175, pitch: 40 },
  { engine: 'espeak', name: 'en-gb', wpm: 160, pitch: 50 },
];

export const HELD_OUT_VOICES: readonly VoiceSpec[] = [
  { engine: 'flite', name: 'rms' },
  { engine: 'espeak', name: 'en-us+m3', wpm: 165, pitch: 45 },
  { engine: 'espeak', name: 'en-us+f5', wpm: 165, pitch: 55 },
  { engine: 'espeak', name: 'en-gb-x-rp', wpm: 160, pitch: 50 },
];
