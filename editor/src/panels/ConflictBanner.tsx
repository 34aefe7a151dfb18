/** A save hit 409: someone (or a file edit) saved a newer revision. Let the user choose. */

import { resolveConflict } from '../actions/graphActions.ts';
import { useUi } from '../store/uiStore.ts';

export function ConflictBanner() {
  const conflict = useUi((s) => s.conflict);
  if (!conflict) return null;
  return (
    <div className="banner warning" role="alert" data-testid="conflict-banner">
      <span>
        This graph changed on the server
        {conflict.currentRevision ? ` (now revision ${conflict.currentRevision})` : ''} since you
        opened it. Your save was not applied.
      </span>
      <button
        type="button"
        onClick={() => void resolveConflict('reload')}
        data-testid="conflict-reload"
      >
        Load theirs (discard mine)
      </button>
      {conflict.currentRevision && (
        <button
          type="button"
          className="danger"
          onClick={() => void resolveConflict('overwrite')}
          data-testid="conflict-overwrite"
        >
          Overwrite with mine
        </button>
      )}
      <button type="button" className="link-button" onClick={() => void resolveConflict('dismiss')}>
        dismiss
      </button>
    </div>
  );
}
