/** The live view's bottom panel: waterfall of the chosen turn and the turns table. */
import { useCallback } from 'react';
import { useLive, liveStore } from '../store/liveStore.ts';
import { editorStore } from '../store/editorStore.ts';
import { Waterfall } from './Waterfall.tsx';
import { TurnsTable } from './TurnsTable.tsx';

/** A hop's node, if it is still on the canvas (it may have been removed since the turn). */
function resolveNode(id: string): string | undefined {
  return editorStore.getState().nodes.some((n) => n.id === id) ? id : undefined;
}

export function LatencyPanel({ onSelectNode }: { onSelectNode(nodeId: string): void }) {
  const turns = useLive((s) => s.turns);
  const selected = useLive((s) => s.selectedTurn);
  const status = useLive((s) => s.status);
  const turn = turns.find((t) => t.turn === selected) ?? turns.at(-1);
  const select = useCallback((id: string) => {
    const node = resolveNode(id);
    if (node) onSelectNode(node);
  }, [onSelectNode]);
  if (turns.length === 0) {
    return (
      <div className="panel-empty" data-testid="latency-empty">
        {status === 'idle' ? 'Press Talk and speak: each turn’s latency shows up here.' : 'Waiting for the first turn…'}
      </div>
    );
  }
  return (
    <div className="latency-panel">
      {turn && <Waterfall turn={turn} onSelectNode={select} />}
      <div className="turns-table-wrap">
        <TurnsTable turns={turns} selected={turn?.turn ?? null} onSelect={(t) => liveStore.getState().selectTurn(t)} />
      </div>
    </div>
  );
}
