/**
 * The graph's latency budget before anyone talks to it: one bar per hop on
 * the slowest path from transport in to transport out, the slowest hop
 * highlighted, each figure marked as coming from the node's config or the
 * node type's typical figure (hover for the source). Once turns were
 * measured, their medians stand beside the estimate.
 */
import { memo } from 'react';
import type { LatencyEstimate as Estimate } from '#engine/browser';
import type { MeasuredStages } from '../talk/measuredStages.ts';

export interface LatencyEstimateProps {
  estimate: Estimate;
  measured?: MeasuredStages;
  onSelectNode(nodeId: string): void;
}

const ms = (value: number) => `${Math.round(value)}`;

export const LatencyEstimate = memo(function LatencyEstimate({
  estimate,
  measured,
  onSelectNode,
}: LatencyEstimateProps) {
  const end = Math.max(1, estimate.totalMs);
  const compare = measured !== undefined && measured.turns > 0;
  let startMs = 0;
  return (
    <div className={`estimate${compare ? ' with-measured' : ''}`} data-testid="latency-estimate">
      <div className="waterfall-head">
        <strong>Estimate</strong>
        <span className="muted">from config and typical figures</span>
        <span
          className="waterfall-v2v"
          data-testid="estimate-total"
          title="Static estimate of first bot audio out − end of user speech"
        >
          ≈ {ms(estimate.totalMs)} ms
        </span>
      </div>
      {estimate.problem && (
        <div className="muted" data-testid="estimate-problem">
          No estimate: {estimate.problem}.
        </div>
      )}
      {compare && estimate.hops.length > 0 && (
        <div className="estimate-columns muted">
          <span />
          <span />
          <span>estimate</span>
          <span
            title={`Median over ${measured.turns} measured turn${measured.turns === 1 ? '' : 's'}`}
          >
            measured
          </span>
        </div>
      )}
      {estimate.hops.map((hop) => {
        const left = startMs;
        startMs += hop.ms;
        const seen = measured?.stages[hop.stage];
        return (
          <button
            type="button"
            key={`${hop.nodeId}:${hop.stage}:${hop.label}`}
            className={`waterfall-row estimate-row${hop.slowest ? ' slowest' : ''}`}
            onClick={() => onSelectNode(hop.nodeId)}
            title={`${hop.label} (${hop.nodeType}): ${hop.source}`}
            data-testid={`estimate-${hop.nodeId}-${hop.stage}`}
          >
            <span className="waterfall-label">
              {hop.label}
              <code> {hop.nodeId}</code>
            </span>
            <span className="waterfall-track">
              <span
                className="waterfall-bar"
                style={{
                  left: `${(left / end) * 100}%`,
                  width: `${Math.max(0.6, (hop.ms / end) * 100)}%`,
                }}
              />
            </span>
            <span className="waterfall-ms">
              {ms(hop.ms)} <span className={`basis basis-${hop.basis}`}>{hop.basis}</span>
              {hop.upToMs !== undefined && <span className="muted"> ≤+{ms(hop.upToMs)}</span>}
            </span>
            {compare && (
              <span
                className="waterfall-ms estimate-measured"
                data-testid={`measured-${hop.nodeId}-${hop.stage}`}
              >
                {seen !== undefined ? ms(seen) : '—'}
              </span>
            )}
          </button>
        );
      })}
      {compare && measured.voiceToVoiceMs !== undefined && (
        <div className="estimate-columns estimate-total-row">
          <span>voice-to-voice</span>
          <span />
          <span className="waterfall-ms">{ms(estimate.totalMs)}</span>
          <span className="waterfall-ms estimate-measured" data-testid="measured-total">
            {ms(measured.voiceToVoiceMs)}
          </span>
        </div>
      )}
      {estimate.undeclared.length > 0 && (
        <div className="muted estimate-note" data-testid="estimate-undeclared">
          No figure for {estimate.undeclared.join(', ')}: counted as 0 ms, so the total is a lower
          bound.
        </div>
      )}
      {estimate.pathCount > 1 && (
        <div className="muted estimate-note">
          Slowest of {estimate.pathCount} paths from transport in to transport out.
        </div>
      )}
    </div>
  );
});
