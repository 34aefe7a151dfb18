/** Settings of the selected node: id, credentials, the generated config form. */
import { useCallback, useEffect, useState } from 'react';
import { CATEGORY_ICONS } from '../canvas/categoryIcons.ts';
import { OUTCOME_LABELS } from '../canvas/OutcomeChip.tsx';
import { editorStore, useEditor } from '../store/editorStore.ts';
import { useLive } from '../store/liveStore.ts';
import { AllowedEndpointsHint } from './AllowedEndpointsHint.tsx';
import { configFieldErrors } from './configFieldErrors.ts';
import type { JsonSchema } from './fieldKind.ts';
import { SchemaForm } from './SchemaForm.tsx';

function NodeIdField({ id }: { id: string }) {
  const [text, setText] = useState(id);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setText(id);
    setError(null);
  }, [id]);
  const apply = () => {
    const problem = editorStore.getState().renameNode(id, text.trim());
    setError(problem);
    if (problem) return;
  };
  return (
    <div className={`form-field${error ? ' invalid' : ''}`}>
      <label className="field-label" htmlFor="field-node-id">
        node id
      </label>
      <input
        id="field-node-id"
        data-testid="field-node-id"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={apply}
        onKeyDown={(e) => {
          if (e.key === 'Enter') apply();
          if (e.key === 'Escape') setText(id);
        }}
      />
      <div className="field-help">
        Appears in logs, metrics and error messages. Renaming rewires its edges.
      </div>
      {error && <div className="field-error">{error}</div>}
    </div>
  );
}

function Credentials({
  names,
  present,
}: {
  names: readonly string[];
  present: Record<string, boolean>;
}) {
  if (names.length === 0) return null;
  return (
    <div className="credentials" data-testid="credentials">
      <div className="section-title">Credentials</div>
      {names.map((name) =>
        present[name] ? (
          <div key={name} className="credential ok" data-testid={`credential-${name}`}>
            <code>{name}</code> set on server
          </div>
        ) : (
          <div key={name} className="credential missing" data-testid={`credential-${name}`}>
            missing: <code>{name}</code>
            <div className="field-help">
              Set it in the server’s environment and restart it. Keys never go into graphs.
            </div>
          </div>
        ),
      )}
    </div>
  );
}

export function ConfigPanel() {
  const nodeId = useEditor((s) => s.selectedNodeId);
  const data = useEditor((s) =>
    s.selectedNodeId ? s.nodes.find((n) => n.id === s.selectedNodeId)?.data : undefined,
  );
  const info = useEditor((s) => (data ? s.catalogue?.info(data.type) : undefined));
  const issues = useEditor((s) => (nodeId ? s.issuesByNode[nodeId] : undefined));
  const outcome = useLive((s) => (nodeId ? s.outcomes[nodeId] : undefined));
  const stats = useLive((s) => (nodeId ? s.stats[nodeId] : undefined));

  const onChange = useCallback(
    (key: string, value: unknown) => {
      if (nodeId) editorStore.getState().updateConfig(nodeId, key, value);
    },
    [nodeId],
  );

  if (!nodeId || !data) {
    return (
      <div className="panel-empty" data-testid="config-empty">
        <p>Select a node to edit its settings.</p>
        <p className="muted">
          Drag node types from the palette, wire outputs (right) to inputs (left). Tools plug into
          an LLM’s bottom handle. Press <kbd>?</kbd> for shortcuts.
        </p>
      </div>
    );
  }
  const fieldErrors = configFieldErrors(issues);
  const endpoints = info?.endpoints;
  const hints = endpoints && {
    [endpoints.configKey]: (
      <AllowedEndpointsHint
        endpoints={endpoints}
        credentials={info.credentials}
        value={data.config[endpoints.configKey]}
        onPick={(value) => onChange(endpoints.configKey, value)}
      />
    ),
  };
  const otherIssues = (issues ?? []).filter((i) => i.code !== 'invalid-config');
  return (
    <div className="config-panel" data-testid="config-panel">
      <div className="config-head">
        <span className="node-icon">{CATEGORY_ICONS[info?.category ?? ''] ?? '◆'}</span>
        <div>
          <div className="config-title">{info?.title ?? data.type}</div>
          <code className="muted">{data.type}</code>
        </div>
      </div>
      {info?.description && <p className="config-description">{info.description}</p>}
      {outcome && (
        <div className={`outcome-chip outcome-${outcome.outcome}`}>
          last deploy: {OUTCOME_LABELS[outcome.outcome]}
          {outcome.reason ? ` — ${outcome.reason}` : ''}
        </div>
      )}
      {stats && (
        <div className="config-live">
          live: {stats.framesInPerSec.toFixed(1)} in/s · {stats.framesOutPerSec.toFixed(1)} out/s
          {stats.ttfbMs !== undefined ? ` · TTFB ${Math.round(stats.ttfbMs)} ms` : ''}
        </div>
      )}
      {otherIssues.map((issue, i) => (
        <div key={i} className={`issue-inline ${issue.severity}`}>
          {issue.message}
        </div>
      ))}
      <NodeIdField id={nodeId} />
      {info && <Credentials names={info.credentials} present={info.credentialsPresent ?? {}} />}
      {info && info.liveKeys.length > 0 && (
        <div className="field-help live-keys">
          Change live without restarting: {info.liveKeys.join(', ')}
        </div>
      )}
      <div className="section-title">Settings</div>
      {info ? (
        <SchemaForm
          key={nodeId}
          schema={info.configSchema as JsonSchema}
          value={data.config}
          errors={fieldErrors}
          onChange={onChange}
          hints={hints}
        />
      ) : (
        <p className="field-error">
          Unknown node type {data.type}: the server does not provide it.
        </p>
      )}
    </div>
  );
}
