/**
 * One conversation, several graphs (the Talk panel's "Continue on graph…"):
 * per graph talked to, its turns and the median of voice-to-voice and of each
 * hop and the cost per minute, so a cascade and a speech-to-speech node can be
 * compared on the same talk.
 */
import { memo } from 'react';
import { summarizeUsage, type TurnRecord } from '#engine/browser';
import { percentile } from '../talk/percentile.ts';
import { HOP_ORDER } from '../talk/waterfall.ts';
import { formatMs, HopHeaderCells, HopValueCells } from './HopCells.tsx';
import { formatUsd } from './UsageCells.tsx';

export interface GraphComparison {
  graph: string;
  turns: number;
  voiceToVoiceMs?: number;
  hops: Partial<Record<(typeof HOP_ORDER)[number], number>>;
  /** The graph's turns' cost ÷ the minutes they span; undefined when none was priced. */
  costPerMinuteUsd?: number;
}

/** Rows in the order the graphs were first talked to; turns without a graph tag are left out. */
export function compareGraphs(turns: readonly TurnRecord[]): GraphComparison[] {
  const byGraph = new Map<string, TurnRecord[]>();
  for (const t of turns) {
    if (!t.graph) continue;
    const list = byGraph.get(t.graph) ?? [];
    list.push(t);
    byGraph.set(t.graph, list);
  }
  return [...byGraph].map(([graph, list]) => ({
    graph,
    turns: list.length,
    costPerMinuteUsd: summarizeUsage(list).costPerMinuteUsd,
    voiceToVoiceMs: percentile(
      list.map((t) => t.voiceToVoiceMs),
      50,
    ),
    hops: Object.fromEntries(
      HOP_ORDER.map((hop) => [
        hop,
        percentile(
          list.map((t) => t.hops[hop]),
          50,
        ),
      ]),
    ),
  }));
}

export const CompareTable = memo(function CompareTable({
  turns,
}: {
  turns: readonly TurnRecord[];
}) {
  const rows = compareGraphs(turns);
  if (rows.length === 0) return null;
  return (
    <table className="turns-table compare-table" data-testid="compare-table">
      <caption>
        Compare graphs (medians, ms; cost per minute)
        {rows.length === 1 ? ' — continue on another graph from the Talk panel to compare' : ''}
      </caption>
      <thead>
        <tr>
          <th>graph</th>
          <th>turns</th>
          <th title="voice-to-voice">V2V</th>
          <HopHeaderCells />
          <th title="cost of the graph's turns ÷ the minutes they span">$/min</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.graph} data-testid={`compare-row-${r.graph}`}>
            <td>{r.graph}</td>
            <td className="num">{r.turns}</td>
            <td className="num strong">{formatMs(r.voiceToVoiceMs)}</td>
            <HopValueCells hops={r.hops} />
            <td className="num">{formatUsd(r.costPerMinuteUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});
