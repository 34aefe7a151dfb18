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
