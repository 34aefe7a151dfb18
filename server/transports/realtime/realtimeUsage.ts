import type { TurnUsage } from '#engine';

/** The `usage` of a Realtime `response.done`, as OpenAI's API reports it. */
export interface RealtimeUsage {
  total_tokens: number;
  input_tokens: number;
  output_tokens: number;
  input_token_details: { text_tokens: number; audio_tokens: number; cached_tokens: number };
  output_token_details: { text_tokens: number; audio_tokens: number };
}

/**
 * A response's usage in the Realtime shape: the tokens of every model node of
 * the graph added up (a cascade's LLM, or a speech-to-speech model's text and
 * audio). A cascade's STT seconds and TTS characters are not tokens: they are
 * left out, as they are of OpenAI's figure for its own transcription.
 */
export function toRealtimeUsage(usage: TurnUsage): RealtimeUsage {
  let inText = 0;
  let inAudio = 0;
  let cached = 0;
  let outText = 0;
  let outAudio = 0;
  for (const u of Object.values(usage)) {
    inText += u.inputTextTokens ?? 0;
    inAudio += u.inputAudioTokens ?? 0;
    cached += u.cachedTokens ?? 0;
    outText += u.outputTextTokens ?? 0;
    outAudio += u.outputAudioTokens ?? 0;
  }
  const input = inText + inAudio;
  const output = outText + outAudio;
  return {
    total_tokens: input + output,
    input_tokens: input,
    output_tokens: output,
    input_token_details: { text_tokens: inText, audio_tokens: inAudio, cached_tokens: cached },
    output_token_details: { text_tokens: outText, audio_tokens: outAudio },
  };
}
