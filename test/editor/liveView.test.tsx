// @vitest-environment jsdom

import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TalkPanel } from '../../editor/src/panels/TalkPanel.tsx';
import { TurnsTable } from '../../editor/src/panels/TurnsTable.tsx';
import { Waterfall } from '../../editor/src/panels/Waterfall.tsx';
import { createLiveStore } from '../../editor/src/store/liveStore.ts';
import { talkStore } from '../../editor/src/store/talkStore.ts';
import { parseLiveMessage } from '../../editor/src/talk/parseLiveMessage.ts';
import { percentile } from '../../editor/src/talk/percentile.ts';
import { waterfallSegments } from '../../editor/src/talk/waterfall.ts';
import { turnRecord as turn } from '../helpers/turnRecord.ts';

afterEach(cleanup);

const t1 = turn(
  1,
  {
    vadEndOfSpeechMs: 300,
    sttFinalMs: 320,
    llmFirstTokenMs: 900,
    firstSentenceMs: 950,
    ttsFirstAudioMs: 1100,
    firstAudioOutMs: 1120,
  },
  { userText: 'weather in Paris' },
);

describe('waterfall', () => {
  it('turns cumulative hop times into segments and marks the slowest', () => {
    const segments = waterfallSegments(t1);
    expect(segments.map((s) => s.durationMs)).toEqual([300, 20, 580, 50, 150, 20]);
    expect(segments.filter((s) => s.slowest).map((s) => s.hop)).toEqual(['llmFirstTokenMs']);
    expect(segments[2].nodeId).toBe('llm');
  });

  it('skips missing hops and never draws negative bars', () => {
    const segments = waterfallSegments(turn(2, { vadEndOfSpeechMs: 300, ttsFirstAudioMs: 250 }));
    expect(segments.map((s) => [s.hop, s.durationMs])).toEqual([
      ['vadEndOfSpeechMs', 300],
      ['ttsFirstAudioMs', 0],
    ]);
  });

  it('renders, highlights the slowest hop and selects its node on click', () => {
    const onSelect = vi.fn();
    render(<Waterfall turn={t1} onSelectNode={onSelect} />);
    expect(screen.getByTestId('waterfall-llmFirstTokenMs').className).toContain('slowest');
    expect(screen.getByTestId('waterfall-v2v').textContent).toContain('1120 ms');
    fireEvent.click(screen.getByTestId('waterfall-llmFirstTokenMs'));
    expect(onSelect).toHaveBeenCalledWith('llm');
  });
});

describe('turns table', () => {
  it('computes nearest-rank percentiles', () => {
    expect(percentile([5, 1, 3, undefined, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 90)).toBe(5);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('shows p50 and p90 rows', () => {
    const turns = [t1, turn(2, { firstAudioOutMs: 800 }), turn(3, { firstAudioOutMs: 2000 })];
    const onSelect = vi.fn();
    render(<TurnsTable turns={turns} selected={1} onSelect={onSelect} />);
    expect(screen.getByTestId('turns-p50').textContent).toContain('1120');
    expect(screen.getByTestId('turns-p90').textContent).toContain('2000');
    fireEvent.click(screen.getByTestId('turn-row-3'));
    expect(onSelect).toHaveBeenCalledWith(3);
  });
});

describe('live store', () => {
  it('applies the messages the server sends on /ws/live', () => {
    const store = createLiveStore();
    const sessionId = 's1';
    store.getState().applyMessage({
      type: 'stats',
      sessionId,
      at: 1_700_000_000_000,
      intervalMs: 250,
      nodes: { vad: { framesInPerSec: 31.25, framesOutPerSec: 31.25, queueDepth: 1, errors: 0 } },
      ttfbMs: { llm: 420 },
      botSpeaking: true,
    });
    expect(store.getState().stats.vad).toEqual({
      framesInPerSec: 31.25,
      framesOutPerSec: 31.25,
      queueDepth: 1,
      errors: 0,
    });
    expect(store.getState().stats.llm.ttfbMs).toBe(420);
    expect(store.getState().status).toBe('live');
    store.getState().applyMessage({ type: 'turn', sessionId, record: t1 });
    // The same turn again, now with its interruption: replaced, not added.
    const interrupted = { ...t1, interrupted: true };
    store.getState().applyMessage({ type: 'turn', sessionId, record: interrupted });
    expect(store.getState().turns).toHaveLength(1);
    expect(store.getState().turns[0].interrupted).toBe(true);
    store.getState().applyMessage({
      type: 'node.error',
      sessionId,
      nodeId: 'llm',
      message: 'boom',
      fatal: false,
      at: 0,
    });
    expect(store.getState().nodeErrors.llm).toBe('boom');
    store.getState().applyMessage({
      type: 'reload',
      sessionId,
      revision: 'r2',
      nodes: [
        { nodeId: 'tts', outcome: 'replaced' },
        { nodeId: 'vad', outcome: 'unchanged' },
      ],
    });
    expect(Object.keys(store.getState().outcomes)).toEqual(['tts']);
    store.getState().applyMessage({ type: 'ended', sessionId, reason: 'client hung up' });
    expect(store.getState().status).toBe('ended');
  });

  it('takes from the socket only what is a live message', () => {
    expect(parseLiveMessage('garbage')).toBeUndefined();
    expect(parseLiveMessage('"garbage"')).toBeUndefined();
    expect(parseLiveMessage('null')).toBeUndefined();
    expect(parseLiveMessage('{"kind":"stats"}')).toBeUndefined();
    const ended = { type: 'ended', sessionId: 's1', reason: 'client hung up' };
    expect(parseLiveMessage(JSON.stringify(ended))).toEqual(ended);
  });
});

describe('talk transcript', () => {
  beforeEach(() => talkStore.getState().begin('voice-agent'));

  it('replaces interim user text with the final, groups bot sentences and marks barge-ins', () => {
    render(<TalkPanel onStart={() => {}} />);
    act(() => {
      const t = talkStore.getState();
      t.set({ state: 'connected' });
      t.userStartedSpeaking();
      t.userTranscript('what is the', false);
      t.userTranscript('what is the weather in paris', true);
      t.userStoppedSpeaking();
      t.botStartedSpeaking();
      t.botOutput('Let me check the weather in paris.');
      t.botOutput('In Paris it is 12 degrees.');
    });
    let user = screen.getAllByTestId('transcript-user');
    expect(user).toHaveLength(1);
    expect(user[0].textContent).toContain('what is the weather in paris');
    expect(screen.getAllByTestId('transcript-bot')).toHaveLength(1);
    act(() => {
      talkStore.getState().userStartedSpeaking();
      talkStore.getState().userTranscript('stop', false);
    });
    const bot = screen.getByTestId('transcript-bot');
    expect(bot.className).toContain('interrupted');
    user = screen.getAllByTestId('transcript-user');
    expect(user[1].className).toContain('interim');
    expect(screen.getByTestId('talk-mute')).toBeTruthy();
  });
});
