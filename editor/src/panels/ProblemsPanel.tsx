/** Every validator error and warning, each with a way to the node it is about. */
import { memo } from 'react';
import type { GraphIssue } from '#engine/browser';
import { useEditor } from '../store/editorStore.ts';

export interface ProblemsPanelProps {
  onGoToNode(nodeId: string): void;
  onGoToEdge?(edgeId: string): void;
}

function IssueRow({ issue, onGoToNode, onGoToEdge }: { issue: GraphIssue } & ProblemsPanelProps) {
  return (
    <li className={`problem ${issue.severity}`} data-testid="problem">
      <span className="problem-icon">{issue.severity === 'error' ? '✕' : '!'}</span>
      <span className="problem-message">{issue.message}</span>
      <code className="problem-path">{issue.path}</code>
      {issue.nodeId ? (
        <button
          type="button"
          className="link-button"
          onClick={() => onGoToNode(issue.nodeId!)}
          data-testid={`goto-${issue.nodeId}`}
        >
          go to node
        </button>
      ) : issue.edgeId && onGoToEdge ? (
        <button type="button" className="link-button" onClick={() => onGoToEdge(issue.edgeId!)}>
          go to edge
        </button>
      ) : null}
    </li>
  );
}

export const ProblemsPanel = memo(function ProblemsPanel({
  onGoToNode,
  onGoToEdge,
}: ProblemsPanelProps) {
  const errors = useEditor((s) => s.errors);
  const warnings = useEditor((s) => s.warnings);
  if (errors.length === 0 && warnings.length === 0) {
    return (
      <div className="problems-empty" data-testid="problems-empty">
        ✓ No problems — this graph is valid.
      </div>
    );
  }
  return (
    <ul className="problems" data-testid="problems">
      {[...errors, ...warnings].map((issue, i) => (
        <IssueRow
          key={`${issue.code}-${issue.path}-${i}`}
          issue={issue}
          onGoToNode={onGoToNode}
          onGoToEdge={onGoToEdge}
        />
      ))}
    </ul>
  );
});
