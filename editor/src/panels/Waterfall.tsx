/** Latency waterfall of one turn; clicking a hop selects the node that produced it. */
import { memo } from 'react';
import type { TurnRecord } from '#engine/browser';
import { waterfallSegments } from '../talk/waterfall.ts';

export interface WaterfallProps {
  turn: TurnRecord;
  onSelectNode(nodeId: string): void;
}

export const Waterfall = memo(function Waterfall({ turn, onSelectNode }: WaterfallProps) {
  const segments = waterfallSegments(turn);
  const end = Math.max(1, turn.voiceToVoiceMs ?? 0, ...segments.map((s) => s.endMs));
  return (
    <div className="waterfall" data-testid="waterfall">
      <div className="waterfall-head">
        <strong>Turn {turn.turn}</strong>
        {turn.userText && <span className="muted"> “{turn.userText}”</span>}
        <span className="waterfall-v2v" data-testid="waterfall-v2v">
          voice-to-voice{' '}
          {turn.voiceToVoiceMs !== undefined ? `${Math.round(turn.voiceToVoiceMs)} ms` : '—'}
        </span>
        {turn.interrupted && <span className="tag warning">interrupted</span>}
        {turn.interruptionMs !== undefined && (
          <span className="tag">barge-in stop {Math.round(turn.interruptionMs)} ms</span>
        )}
      </div>
      {segments.length === 0 && <div className="muted">No hops measured for this turn.</div>}
      {segments.map((s) => (
        <button
          type="button"
          key={s.hop}
          className={`waterfall-row${s.slowest ? ' slowest' : ''}`}
          onClick={() => s.nodeId && onSelectNode(s.nodeId)}
          disabled={!s.nodeId}
          title={s.nodeId ? `${s.label}: node '${s.nodeId}' — click to select` : s.label}
          data-testid={`waterfall-${s.hop}`}
        >
          <span className="waterfall-label">
            {s.label}
            {s.nodeId && <code> {s.nodeId}</code>}
          </span>
          <span className="waterfall-track">
            <span
              className="waterfall-bar"
              style={{
                left: `${(s.startMs / end) * 100}%`,
                width: `${Math.max(0.6, (s.durationMs / end) * 100)}%`,
              }}
            />
          </span>
          <span className="waterfall-ms">
            +{Math.round(s.durationMs)} <span className="muted">@{Math.round(s.endMs)} ms</span>
          </span>
        </button>
      ))}
    </div>
  );
});
