/**
 * A wire coloured by the frames it carries; it animates while its source node
 * is sending frames in a live session (one boolean selector per edge).
 */

import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getBezierPath } from '@xyflow/react';
import { memo } from 'react';
import type { FrameFlowEdge } from '../graph/flowTypes.ts';
import { useLive } from '../store/liveStore.ts';

export const FrameEdge = memo(function FrameEdge(props: EdgeProps<FrameFlowEdge>) {
  const {
    id,
    source,
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
    data,
    selected,
    targetHandleId,
  } = props;
  const flowing = useLive(
    (s) => s.status === 'live' && (s.stats[source]?.framesOutPerSec ?? 0) > 0,
  );
  const [path, labelX, labelY] = getBezierPath({
    sourceX,
    sourceY,
    targetX,
    targetY,
    sourcePosition,
    targetPosition,
  });
  const color = data?.problem ? '#f87171' : (data?.color ?? '#94a3b8');
  const tools = targetHandleId === 'tools';
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        className={`frame-edge${flowing ? ' flowing' : ''}${tools ? ' tools-edge' : ''}`}
        style={{
          stroke: color,
          strokeWidth: selected ? 3 : 2,
          strokeDasharray: tools ? '6 4' : undefined,
        }}
        interactionWidth={16}
      />
      {(selected || data?.problem) && (
        <EdgeLabelRenderer>
          <div
            className={`edge-label${data?.problem ? ' problem' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
            title={data?.problem ?? data?.types.join(', ')}
            data-testid={`edge-label-${id}`}
          >
            {data?.problem
              ? '⚠'
              : tools
                ? 'tools'
                : (data?.types.slice(0, 3).join(', ') || '—') +
                  ((data?.types.length ?? 0) > 3 ? '…' : '')}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
