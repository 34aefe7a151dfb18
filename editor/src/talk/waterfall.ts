/**
 * Turns a TurnRecord into waterfall segments. Hop times are measured from the
 * end of user speech, so each segment runs from the previous hop to this one;
 * the slowest segment is where to look first.
 */
import { HOP_ORDER, type HopName, type TurnRecord } from '#engine/browser';

export const HOP_LABELS: Record<HopName, string> = {
  vadEndOfSpeechMs: 'VAD end of speech',
  sttFinalMs: 'STT final',
  llmFirstTokenMs: 'LLM first token',
  firstSentenceMs: 'First sentence',
  ttsFirstAudioMs: 'TTS first audio',
  firstAudioOutMs: 'First audio out',
};

/** The same, short enough for a table column header. */
export function shortHopLabel(hop: HopName): string {
  return HOP_LABELS[hop].replace('VAD end of speech', 'VAD').replace('First ', '1st ');
}

export interface WaterfallSegment {
  hop: HopName;
  label: string;
  startMs: number;
  endMs: number;
  durationMs: number;
  nodeId?: string;
  slowest: boolean;
}

export function waterfallSegments(turn: Pick<TurnRecord, 'hops' | 'nodes'>): WaterfallSegment[] {
  const segments: WaterfallSegment[] = [];
  let previous = 0;
  for (const hop of HOP_ORDER) {
    const at = turn.hops[hop];
    if (typeof at !== 'number') continue;
    // Hops can be reported out of order (a fast TTS after a slow sentence split); never draw negative bars.
    const start = Math.min(previous, at);
    segments.push({
      hop,
      label: HOP_LABELS[hop],
      startMs: start,
      endMs: at,
      durationMs: Math.max(0, at - start),
      nodeId: turn.nodes?.[hop],
      slowest: false,
    });
    previous = Math.max(previous, at);
  }
  if (segments.length > 1) {
    let slowest = segments[0];
    for (const s of segments) if (s.durationMs > slowest.durationMs) slowest = s;
    slowest.slowest = true;
  }
  return segments;
}

export type { HopName };
export { HOP_ORDER };
