/**
 * The latency dock: the graph's static estimate from the first moment, and
 * once the user talks, the chosen turn's waterfall beside it (measured medians
 * next to each estimated hop) and the table of turns.
 */
import { useCallback, useMemo } from 'react';
import { editorStore, useEditor } from '../store/editorStore.ts';
import { liveStore, useLive } from '../store/liveStore.ts';
import { measuredStages } from '../talk/measuredStages.ts';
import { CompareTable } from './CompareTable.tsx';
import { LatencyEstimate } from './LatencyEstimate.tsx';
import { TurnsTable } from './TurnsTable.tsx';
import { Waterfall } from './Waterfall.tsx';

/** A hop's node, if it is still on the canvas (it may have been removed since the turn). */
function resolveNode(id: string): string | undefined {
  return editorStore.getState().nodes.some((n) => n.id === id) ? id : undefined;
}

export function LatencyPanel({ onSelectNode }: { onSelectNode(nodeId: string): void }) {
  const turns = useLive((s) => s.turns);
  const selected = useLive((s) => s.selectedTurn);
  const status = useLive((s) => s.status);
  const estimate = useEditor((s) => s.latency);
  const measured = useMemo(() => measuredStages(turns), [turns]);
  const turn = turns.find((t) => t.turn === selected) ?? turns.at(-1);
  const select = useCallback(
    (id: string) => {
      const node = resolveNode(id);
      if (node) onSelectNode(node);
    },
    [onSelectNode],
  );
  if (turns.length === 0) {
    return (
      <div className="latency-panel latency-panel-empty">
        {estimate && <LatencyEstimate estimate={estimate} onSelectNode={select} />}
        <div className="panel-empty" data-testid="latency-empty">
          {status === 'idle'
            ? 'Press Talk and speak: each turn’s measured latency shows up here.'
            : 'Waiting for the first turn…'}
        </div>
      </div>
    );
  }
  return (
    <div className="latency-panel">
      {turn && <Waterfall turn={turn} onSelectNode={select} />}
      {estimate && (
        <LatencyEstimate estimate={estimate} measured={measured} onSelectNode={select} />
      )}
      <div className="turns-table-wrap">
        <TurnsTable
          turns={turns}
          selected={turn?.turn ?? null}
          onSelect={(t) => liveStore.getState().selectTurn(t)}
        />
      </div>
      <div className="turns-table-wrap">
        <CompareTable turns={turns} />
      </div>
    </div>
  );
}
