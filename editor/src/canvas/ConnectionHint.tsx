/** While drawing a wire over a handle: what it would carry, or why it cannot be drawn. */
import { useConnection } from '@xyflow/react';
import { editorStore } from '../store/editorStore.ts';

export function ConnectionHint() {
  const connection = useConnection();
  if (!connection.inProgress) return null;
  const { fromNode, fromHandle, toNode, toHandle } = connection;
  if (!toNode || !toHandle) {
    return <div className="connection-hint neutral">Drop on a highlighted handle</div>;
  }
  const forward = fromHandle.type === 'source';
  const verdict = editorStore.getState().checkConnection(
    forward
      ? {
          source: fromNode.id,
          sourceHandle: fromHandle.id ?? null,
          target: toNode.id,
          targetHandle: toHandle.id ?? null,
        }
      : {
          source: toNode.id,
          sourceHandle: toHandle.id ?? null,
          target: fromNode.id,
          targetHandle: fromHandle.id ?? null,
        },
  );
  return (
    <div className={`connection-hint ${verdict.ok ? 'ok' : 'no'}`} data-testid="connection-hint">
      {verdict.ok
        ? verdict.types.length
          ? `carries ${verdict.types.join(', ')}`
          : 'attach tool'
        : verdict.reason}
    </div>
  );
}
