/**
 * A node on the canvas. Memoised and fed only its own data: dragging one node
 * of 150 re-renders one node. Issues, live numbers and deploy outcomes come
 * from store selectors keyed by id, never through `data`.
 */

import { Handle, type NodeProps, Position } from '@xyflow/react';
import { memo } from 'react';
import { TOOLS_HANDLE } from '#engine/browser';
import { dominantFamily, TOOLS_FAMILY } from '../catalogue/frameColors.ts';
import { type AgentFlowNode, IN_HANDLE, OUT_HANDLE } from '../graph/flowTypes.ts';
import { useEditor } from '../store/editorStore.ts';
import { CATEGORY_ICONS } from './categoryIcons.ts';
import { describeConfig } from './describeConfig.ts';
import { NodeStatusLine } from './NodeStatusLine.tsx';
import { OutcomeChip } from './OutcomeChip.tsx';
import { type HandleHint, useHandleHighlight } from './useHandleHighlight.ts';

function hintClass(hint: HandleHint): string {
  return hint === 'ok' ? ' handle-ok' : hint === 'no' ? ' handle-no' : '';
}

export const AgentNode = memo(function AgentNode({ id, data, selected }: NodeProps<AgentFlowNode>) {
  const info = useEditor((s) => s.catalogue?.info(data.type));
  const issues = useEditor((s) => s.issuesByNode[id]);
  const hints = useHandleHighlight(id);

  const errors = issues?.filter((i) => i.severity === 'error') ?? [];
  const warnings = issues?.filter((i) => i.severity === 'warning') ?? [];
  const category = info?.category ?? 'unknown';
  const isTool = info?.kind === 'tool';
  const missing = info ? info.credentials.filter((c) => !info.credentialsPresent?.[c]) : [];
  const settings = describeConfig(data.config, info?.configSchema);
  const idleText = errors.length
    ? errors[0].message.replace(/^node '[^']+': /, '')
    : missing.length
      ? `missing ${missing.join(', ')}`
      : warnings.length
        ? warnings[0].message
        : isTool
          ? 'tool'
          : 'ready';

  const inColor = info ? dominantFamily(info.consumes).color : undefined;
  const outColor = info
    ? isTool
      ? TOOLS_FAMILY.color
      : dominantFamily(info.produces.length ? info.produces : info.consumes).color
    : undefined;
  const hasInput = !info || (!isTool && info.consumes.length > 0);

  return (
    <div
      className={`agent-node cat-${category}${selected ? ' selected' : ''}${errors.length ? ' has-error' : warnings.length ? ' has-warning' : ''}`}
      data-testid={`node-${id}`}
      data-node-type={data.type}
    >
      {hasInput && (
        <Handle
          type="target"
          id={IN_HANDLE}
          position={Position.Left}
          className={`frame-handle${hintClass(hints.in)}`}
          style={{ background: inColor }}
          title={info ? `in: ${info.consumes.join(', ')}` : undefined}
        />
      )}
      <div className="node-header">
        <span className="node-icon" aria-hidden>
          {CATEGORY_ICONS[category] ?? '◆'}
        </span>
        <span className="node-title">{info?.title ?? data.type}</span>
        <span className="node-id">{id}</span>
      </div>
      {(errors.length > 0 || warnings.length > 0) && (
        <div
          className={`node-badge ${errors.length ? 'error' : 'warning'}`}
          title={[...errors, ...warnings].map((i) => i.message).join('\n')}
          data-testid={`node-badge-${id}`}
        >
          {errors.length || warnings.length}
        </div>
      )}
      <div className="node-type">{data.type}</div>
      {settings.length > 0 && (
        <dl className="node-settings">
          {settings.map(([key, value]) => (
            <div key={key}>
              <dt>{key}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
      <NodeStatusLine id={id} idleText={idleText} />
      <OutcomeChip id={id} />
      {info?.acceptsTools && (
        <Handle
          type="target"
          id={TOOLS_HANDLE}
          position={Position.Bottom}
          className={`frame-handle tools-handle${hintClass(hints.tools)}`}
          style={{ background: TOOLS_FAMILY.color }}
          title="tools: connect tool nodes here"
        />
      )}
      <Handle
        type="source"
        id={OUT_HANDLE}
        position={isTool ? Position.Top : Position.Right}
        className={`frame-handle${hintClass(hints.out)}`}
        style={{ background: outColor }}
        title={
          info
            ? isTool
              ? 'connect to an LLM’s tools handle'
              : `out: ${info.produces.join(', ') || 'passes frames on'}`
            : undefined
        }
      />
    </div>
  );
});
