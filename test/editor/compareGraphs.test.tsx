// @vitest-environment jsdom

import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CompareTable, compareGraphs } from '../../editor/src/panels/CompareTable.tsx';
import { ContinueOnGraph } from '../../editor/src/panels/TalkPanel.tsx';
import { liveStore } from '../../editor/src/store/liveStore.ts';
import { talkStore } from '../../editor/src/store/talkStore.ts';
import type { TurnRecord } from '../../engine/metrics/TurnRecord.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function turn(
  n: number,
  graph: string | undefined,
  v2v: number,
  hops: TurnRecord['hops'],
): TurnRecord {
  return {
    turn: n,
    graph,
    hops,
    nodes: {},
    ttfbMs: {},
    tools: [],
    interrupted: false,
    voiceToVoiceMs: v2v,
  };
}

const turns: TurnRecord[] = [
  turn(1, 'cascade', 1200, {
    vadEndOfSpeechMs: 300,
    sttFinalMs: 350,
    llmFirstTokenMs: 900,
    firstAudioOutMs: 1200,
  }),
  turn(2, 'cascade', 1000, {
    vadEndOfSpeechMs: 300,
    sttFinalMs: 330,
    llmFirstTokenMs: 700,
    firstAudioOutMs: 1000,
  }),
  turn(3, 'cascade', 1500, {
    vadEndOfSpeechMs: 300,
    sttFinalMs: 400,
    llmFirstTokenMs: 1100,
    firstAudioOutMs: 1500,
  }),
  turn(4, 'realtime', 700, { llmFirstTokenMs: 600, firstAudioOutMs: 700 }),
  turn(5, undefined, 99, { firstAudioOutMs: 99 }),
  turn(6, 'realtime', 500, { llmFirstTokenMs: 450, firstAudioOutMs: 500 }),
];

describe('Compare table', () => {
  it('groups the turns of one conversation by graph, with medians of voice-to-voice and each hop', () => {
    expect(compareGraphs(turns)).toEqual([
      {
        graph: 'cascade',
        turns: 3,
        voiceToVoiceMs: 1200,
        hops: expect.objectContaining({
          vadEndOfSpeechMs: 300,
          sttFinalMs: 350,
          llmFirstTokenMs: 900,
          firstAudioOutMs: 1200,
          ttsFirstAudioMs: undefined,
        }),
      },
      // nearest-rank median of two values is the lower one, as in the turns table's p50
      {
        graph: 'realtime',
        turns: 2,
        voiceToVoiceMs: 500,
        hops: expect.objectContaining({
          llmFirstTokenMs: 450,
          firstAudioOutMs: 500,
          vadEndOfSpeechMs: undefined,
        }),
      },
    ]);
    render(<CompareTable turns={turns} />);
    const cascade = within(screen.getByTestId('compare-row-cascade'))
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(cascade).toEqual(['cascade', '3', '1200', '300', '350', '900', '—', '—', '1200', '—']);
    const realtime = within(screen.getByTestId('compare-row-realtime'))
      .getAllByRole('cell')
      .map((c) => c.textContent);
    expect(realtime).toEqual(['realtime', '2', '500', '—', '—', '450', '—', '—', '500', '—']);
    expect(screen.getByTestId('compare-table').querySelectorAll('tbody tr')).toHaveLength(2);
  });

  it('shows nothing without graph-tagged turns, and invites a comparison with only one graph', () => {
    const { container } = render(<CompareTable turns={[turn(1, undefined, 900, {})]} />);
    expect(container.innerHTML).toBe('');
    cleanup();
    render(<CompareTable turns={turns.slice(0, 2)} />);
    expect(screen.getByTestId('compare-table').textContent).toContain('continue on another graph');
  });
});

describe('Continue on graph…', () => {
  it('lists the other saved graphs and switches the live session to the chosen one', async () => {
    const calls: Array<{ method: string; url: string; body?: unknown }> = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({
        method: init.method ?? 'GET',
        url,
        body: init.body ? JSON.parse(String(init.body)) : undefined,
      });
      const json =
        url === '/api/graphs'
          ? [
              { name: 'cascade', revision: 'r1' },
              { name: 'realtime', revision: 'r2' },
            ]
          : {
              sessionId: 'sess-1',
              revision: 'r2',
              graph: 'realtime',
              nodes: [
                { nodeId: 's2s', outcome: 'added' },
                { nodeId: 'llm', outcome: 'removed' },
              ],
            };
      return new Response(JSON.stringify(json), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    });
    act(() => talkStore.getState().begin('cascade'));
    render(<ContinueOnGraph sessionId="sess-1" />);
    const select = (await screen.findByTestId('talk-continue-on')) as HTMLSelectElement;
    await waitFor(() => expect([...select.options].map((o) => o.value)).toEqual(['', 'realtime']));
    fireEvent.change(select, { target: { value: 'realtime' } });
    await waitFor(() => expect(talkStore.getState().graph).toBe('realtime'));
    expect(calls.at(-1)).toEqual({
      method: 'POST',
      url: '/api/sessions/sess-1/graph',
      body: { graph: 'realtime' },
    });
    expect(Object.keys(liveStore.getState().outcomes)).toEqual(['s2s', 'llm']);
    expect(talkStore.getState().transcript.at(-1)).toMatchObject({
      role: 'system',
      text: expect.stringContaining("Continuing on graph 'realtime'"),
    });
  });

  it('says why when the server refuses', async () => {
    vi.stubGlobal('fetch', async (url: string) =>
      url === '/api/graphs'
        ? new Response(
            JSON.stringify([
              { name: 'a', revision: '1' },
              { name: 'phone', revision: '2' },
            ]),
            { status: 200 },
          )
        : new Response(
            JSON.stringify({
              sessionId: 's',
              revision: '1',
              nodes: [],
              error: 'a transport node changed; a live conversation cannot be rebound',
            }),
            { status: 409 },
          ),
    );
    act(() => talkStore.getState().begin('a'));
    render(<ContinueOnGraph sessionId="s" />);
    const select = (await screen.findByTestId('talk-continue-on')) as HTMLSelectElement;
    fireEvent.change(select, { target: { value: 'phone' } });
    await waitFor(() =>
      expect(talkStore.getState().transcript.at(-1)?.text).toMatch(
        /^Could not continue on 'phone': a transport node changed/,
      ),
    );
    expect(talkStore.getState().graph).toBe('a');
  });
});
