// @vitest-environment jsdom

import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { CompareTable, compareGraphs } from '../../editor/src/panels/CompareTable.tsx';
import { TurnsTable } from '../../editor/src/panels/TurnsTable.tsx';
import type { TurnRecord } from '../../engine/metrics/TurnRecord.ts';

afterEach(cleanup);

/** A turn of `graph` whose user stopped speaking at `endAt` and whose reply ended 30 s later. */
function turn(n: number, graph: string, endAt: number, record: Partial<TurnRecord>): TurnRecord {
  return {
    turn: n,
    graph,
    userSpeechStartAt: endAt - 30_000,
    userSpeechEndAt: endAt,
    botSpeechEndMs: 30_000,
    hops: {},
    nodes: {},
    ttfbMs: {},
    tools: [],
    interrupted: false,
    ...record,
  };
}

const cascade = turn(1, 'cascade', 30_000, {
  usage: {
    llm: { inputTextTokens: 900, outputTextTokens: 100, costUsd: 0.0002 },
    tts: { ttsCharacters: 120, costUsd: 0.0036 },
  },
  costUsd: 0.0038,
});
const realtime = turn(2, 'realtime', 90_000, {
  usage: {
    s2s: { inputAudioTokens: 300, outputAudioTokens: 600, estimated: true, costUsd: 0.048 },
  },
  costUsd: 0.048,
});

describe('tokens and cost in the latency dock', () => {
  it('shows each turn’s tokens (an estimate marked ~) and cost, node by node on hover', () => {
    render(<TurnsTable turns={[cascade, realtime]} selected={null} onSelect={() => {}} />);
    expect(screen.getByTestId('turn-tokens-1').textContent).toBe('1000');
    expect(screen.getByTestId('turn-cost-1').textContent).toBe('$0.0038');
    expect(screen.getByTestId('turn-tokens-2').textContent).toBe('~900');
    expect(screen.getByTestId('turn-cost-2').textContent).toBe('$0.05');
    expect(screen.getByTestId('turn-tokens-1').getAttribute('title')).toContain(
      'tts: 120 chars, $0.0036',
    );
    expect(screen.getByTestId('turn-tokens-2').getAttribute('title')).toContain('(estimated)');
  });

  it('shows a dash for a turn without usage', () => {
    render(<TurnsTable turns={[turn(3, 'g', 1000, {})]} selected={null} onSelect={() => {}} />);
    expect(screen.getByTestId('turn-tokens-3').textContent).toBe('—');
    expect(screen.getByTestId('turn-cost-3').textContent).toBe('—');
  });

  it('compares cost per minute beside latency: each graph’s cost over the minutes it ran', () => {
    const rows = compareGraphs([cascade, realtime]);
    // Each graph's one turn spans a minute (30 s of speech, a 30 s reply).
    expect(rows.map((r) => [r.graph, r.costPerMinuteUsd])).toEqual([
      ['cascade', 0.0038],
      ['realtime', 0.048],
    ]);
    render(<CompareTable turns={[cascade, realtime]} />);
    expect(screen.getByTestId('compare-row-cascade').textContent).toContain('$0.0038');
    expect(screen.getByTestId('compare-row-realtime').textContent).toContain('$0.05');
  });
});
