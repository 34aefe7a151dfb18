/** Saved revisions of this graph, newest first, each restorable. */
import { useEffect, useState } from 'react';
import type { GraphVersion } from '#server/wire';
import { restoreVersion } from '../actions/graphActions.ts';
import { api } from '../api/api.ts';
import { useEditor } from '../store/editorStore.ts';

export function VersionsPanel() {
  const name = useEditor((s) => s.target.name);
  const revision = useEditor((s) => s.target.revision);
  const [versions, setVersions] = useState<GraphVersion[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!revision) {
      setVersions([]);
      return;
    }
    let cancelled = false;
    setError(null);
    api.versions(name).then(
      (list) => !cancelled && setVersions(list),
      (e: unknown) => !cancelled && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [name, revision]);

  if (error) return <div className="field-error">{error}</div>;
  if (!versions) return <div className="muted">Loading versions…</div>;
  if (versions.length === 0)
    return <div className="panel-empty">No saved versions yet. Save to create one.</div>;
  return (
    <ul className="versions" data-testid="versions">
      {versions.map((v) => (
        <li key={`${v.revision}-${v.savedAt}`} className={v.revision === revision ? 'current' : ''}>
          <code>{v.revision.slice(0, 10)}</code>
          <span className="muted">{new Date(v.savedAt).toLocaleString()}</span>
          {v.revision === revision ? (
            <span className="tag">current</span>
          ) : (
            <button
              type="button"
              className="link-button"
              onClick={() => void restoreVersion(v.revision)}
              data-testid={`restore-${v.revision}`}
            >
              restore
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
