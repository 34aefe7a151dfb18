import type { Frame, Metric } from '#engine';
import { type RtviMessage, rtvi, rtviError } from './rtvi.ts';

/**
 * The RTVI message for a frame the first time it is seen anywhere in the
 * graph (Pipecat's RTVIObserver does the same): transcripts, LLM and TTS
 * boundaries, speaking state, metrics, errors. Undefined for frames the
 * client has no message for.
 *
 * Frames that must reach the client in playback order (audio, spoken text)
 * are mapped by `rtviForOutput` from what leaves transport.output instead.
 */
export function rtviForFrame(
  frame: Frame,
  redact: (text: string) => string,
): RtviMessage | undefined {
  switch (frame.type) {
    case 'user.speaking.started':
      return rtvi('user-started-speaking');
    case 'user.speaking.stopped':
      return rtvi('user-stopped-speaking');
    case 'bot.speaking.started':
      return rtvi('bot-started-speaking');
    case 'bot.speaking.stopped':
      return rtvi('bot-stopped-speaking');
    case 'interrupt':
      // Not part of RTVI 2.1 (clients ignore unknown types); lets a custom client flush its player at once.
      return rtvi('bot-interrupted', { reason: frame.reason });
    case 'transcript.interim':
    case 'transcript.final':
      return rtvi('user-transcription', {
        text: frame.text,
        final: frame.type === 'transcript.final',
        timestamp: new Date().toISOString(),
        user_id: '',
      });
    case 'llm.response.start':
      return rtvi('bot-llm-started');
    case 'llm.response.end':
      return rtvi('bot-llm-stopped');
    case 'llm.text':
      return rtvi('bot-llm-text', { text: frame.text });
    case 'tts.start':
      return rtvi('bot-tts-started');
    case 'tts.stop':
      return rtvi('bot-tts-stopped');
    case 'metrics':
      return rtvi('metrics', metricsData(frame.metrics));
    case 'error':
      return rtviError(`${frame.source}: ${redact(frame.message)}`, frame.fatal);
    default:
      return undefined;
  }
}

/** Messages for frames leaving transport.output: text is announced as its audio starts playing. */
export function rtviForOutput(frame: Frame): RtviMessage[] {
  if (frame.type !== 'tts.text') return [];
  return [
    rtvi('bot-tts-text', { text: frame.text }),
    rtvi('bot-output', {
      text: frame.text,
      spoken: true,
      will_be_spoken: true,
      aggregated_by: 'sentence',
    }),
  ];
}

/** Pipecat reports durations in seconds (`ttfb`, `processing`); other metrics pass through by name. */
function metricsData(
  metrics: Metric[],
): Record<string, Array<{ processor: string; value: number }>> {
  const out: Record<string, Array<{ processor: string; value: number }>> = {};
  for (const m of metrics) {
    const seconds = m.name === 'ttfb' || m.name === 'processing';
    out[m.name] ??= [];
    out[m.name].push({ processor: m.source, value: seconds ? m.value / 1000 : m.value });
  }
  return out;
}
