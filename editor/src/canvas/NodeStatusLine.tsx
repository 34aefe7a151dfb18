/**
 * The last line of a node: live rates while a session runs, otherwise the
 * node's most pressing problem. Subscribes to one node's numbers only.
 */
import { memo } from 'react';
import { useLive } from '../store/liveStore.ts';

function rate(n: number): string {
  return n >= 100 ? Math.round(n).toString() : n >= 10 ? n.toFixed(0) : n.toFixed(1);
}

export const NodeStatusLine = memo(function NodeStatusLine({
  id,
  idleText,
}: {
  id: string;
  idleText: string;
}) {
  const stats = useLive((s) => s.stats[id]);
  const live = useLive((s) => s.status === 'live');
  const runtimeError = useLive((s) => s.nodeErrors[id]);
  if (runtimeError) {
    return (
      <div className="node-status error" title={runtimeError} data-testid={`node-status-${id}`}>
        ⚠ {runtimeError}
      </div>
    );
  }
  if (live && stats) {
    return (
      <div
        className={`node-status live${stats.framesOutPerSec > 0 || stats.framesInPerSec > 0 ? ' active' : ''}`}
        data-testid={`node-status-${id}`}
      >
        <span title="frames in → out per second">
          {rate(stats.framesInPerSec)}→{rate(stats.framesOutPerSec)}/s
        </span>
        {stats.ttfbMs !== undefined && <span>TTFB {Math.round(stats.ttfbMs)} ms</span>}
        {stats.queueDepth > 0 && <span>q {stats.queueDepth}</span>}
        {stats.errors > 0 && <span className="err">{stats.errors} err</span>}
      </div>
    );
  }
  return (
    <div className="node-status" data-testid={`node-status-${id}`}>
      {idleText}
    </div>
  );
});
