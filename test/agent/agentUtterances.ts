/**
 * The spoken fixtures the whole-agent tests say (test/fixtures/speech, the
 * flite-voiced lines of make-fixtures.sh): a cold pocketsphinx decoder hears
 * them exactly, so those tests exercise the agent, not the recogniser's
 * accuracy (which bench/stt-wer.ts measures on the whole set).
 */
export const SPEECH_DIR = 'test/fixtures/speech';
export const AGENT_UTTERANCES = [
  'weather-tokyo.wav',
  'weather-london.wav',
  'joke-rms.wav',
] as const;
export type AgentUtterance = (typeof AGENT_UTTERANCES)[number];
export const utterancePath = (file: AgentUtterance): string => `${SPEECH_DIR}/${file}`;

/**
 * What the offline responder makes of spoken fixtures as a cold decoder
 * hears them, heard right or not: `intent` or `intent:Place`, `?` when it
 * asks first. Requests it cannot serve must stay `fallback` — a wrong action
 * is worse than "sorry". "tell-me-a-joke.wav" is heard as "tell me a dog";
 * the responder knows that slip. Left out: fixtures the decoder garbles
 * beyond recovery (what-time.wav → "what i it", thank-you.wav → "sonic you
 * buy real watch", most noisy ones), which only a better recogniser can fix.
 * stop-noisy.wav is heard as "so ah off": it must not become a question about Sofia.
 */
export const UNDERSTOOD_UTTERANCES: Readonly<Record<string, string>> = {
  'weather-tokyo.wav': 'weather:Tokyo',
  'weather-london.wav': 'weather:London',
  'joke-rms.wav': 'joke',
  'tell-me-a-joke.wav': 'joke',
  'stop.wav': 'stop',
  'how-are-you.wav': 'greeting',
  'set-timer.wav': 'fallback',
  'play-music.wav': 'fallback',
  'cancel-order.wav': 'fallback',
  'calendar.wav': 'fallback',
  'remind-milk.wav': 'fallback',
  'say-again.wav': 'fallback',
  'stop-noisy.wav': 'fallback',
};
