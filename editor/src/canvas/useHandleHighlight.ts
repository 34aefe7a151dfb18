/**
 * While a wire is being drawn, tells a node whether each of its handles would
 * accept it. Re-renders the node only when a drag starts or ends, not on
 * every pointer move.
 */

import { useConnection } from '@xyflow/react';
import { useMemo } from 'react';
import { TOOLS_HANDLE } from '#engine/browser';
import { IN_HANDLE, OUT_HANDLE } from '../graph/flowTypes.ts';
import { editorStore } from '../store/editorStore.ts';

export type HandleHint = 'ok' | 'no' | undefined;

export interface HandleHints {
  in: HandleHint;
  tools: HandleHint;
  out: HandleHint;
}

const NONE: HandleHints = { in: undefined, tools: undefined, out: undefined };

export function useHandleHighlight(nodeId: string): HandleHints {
  const from = useConnection((c) =>
    c.inProgress
      ? `${c.fromNode.id}\u0000${c.fromHandle.id ?? ''}\u0000${c.fromHandle.type}`
      : null,
  );
  return useMemo(() => {
    if (!from) return NONE;
    const [fromNode, fromHandle, fromType] = from.split('\u0000');
    if (fromNode === nodeId) return NONE;
    const check = editorStore.getState().checkConnection;
    const mark = (ok: boolean): HandleHint => (ok ? 'ok' : 'no');
    if (fromType === 'source') {
      return {
        in: mark(
          check({
            source: fromNode,
            sourceHandle: fromHandle || OUT_HANDLE,
            target: nodeId,
            targetHandle: IN_HANDLE,
          }).ok,
        ),
        tools: mark(
          check({
            source: fromNode,
            sourceHandle: fromHandle || OUT_HANDLE,
            target: nodeId,
            targetHandle: TOOLS_HANDLE,
          }).ok,
        ),
        out: undefined,
      };
    }
    return {
      in: undefined,
      tools: undefined,
      out: mark(
        check({
          source: nodeId,
          sourceHandle: OUT_HANDLE,
          target: fromNode,
          targetHandle: fromHandle || IN_HANDLE,
        }).ok,
      ),
    };
  }, [from, nodeId]);
}
