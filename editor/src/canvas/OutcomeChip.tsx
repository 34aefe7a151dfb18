/** What the last deploy did to this node in the live sessions. */
import { memo } from 'react';
import type { NodeOutcome } from '#engine/browser';
import { useLive } from '../store/liveStore.ts';

export const OUTCOME_LABELS: Record<NodeOutcome, string> = {
  unchanged: 'unchanged',
  'updated-live': 'updated live',
  replaced: 'replaced',
  added: 'added live',
  removed: 'removed',
  rewired: 'rewired live',
  'new-sessions-only': 'new sessions only',
  failed: 'reload failed',
};

export const OutcomeChip = memo(function OutcomeChip({ id }: { id: string }) {
  const change = useLive((s) => s.outcomes[id]);
  if (!change) return null;
  const title = [change.keys?.length ? `keys: ${change.keys.join(', ')}` : '', change.reason ?? '']
    .filter(Boolean)
    .join(' — ');
  return (
    <div
      className={`outcome-chip outcome-${change.outcome}`}
      title={title || undefined}
      data-testid={`outcome-${id}`}
    >
      {OUTCOME_LABELS[change.outcome] ?? change.outcome}
    </div>
  );
});
