// @vitest-environment jsdom

import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigPanel } from '../../editor/src/panels/ConfigPanel.tsx';
import { LatencyEstimate } from '../../editor/src/panels/LatencyEstimate.tsx';
import { LatencyPanel } from '../../editor/src/panels/LatencyPanel.tsx';
import { editorStore } from '../../editor/src/store/editorStore.ts';
import { liveStore } from '../../editor/src/store/liveStore.ts';
import { measuredStages } from '../../editor/src/talk/measuredStages.ts';
import type { LatencyEstimate as Estimate } from '../../engine/graph/estimateGraphLatency.ts';
import { turnRecord as turn } from '../helpers/turnRecord.ts';
import { loadCatalogue, voiceAgent } from './fixtures/loadCatalogue.ts';

beforeEach(() => {
  editorStore.getState().setCatalogue(loadCatalogue());
  editorStore.getState().loadGraph(voiceAgent(), { name: 'voice-agent', revision: 'r1' });
  liveStore.getState().reset();
});
afterEach(cleanup);

const total = () => screen.getByTestId('estimate-total').textContent;

describe('latency estimate in the latency panel', () => {
  it('shows the estimate before anyone has talked, slowest hop highlighted', () => {
    render(<LatencyPanel onSelectNode={() => {}} />);
    expect(screen.getByTestId('latency-empty')).toBeTruthy();
    // Silero 320 (config) + pocketsphinx 10 + rules 1 + Flite 160 + output 0.
    expect(total()).toContain('491 ms');
    const vad = screen.getByTestId('estimate-vad-vad');
    expect(vad.className).toContain('slowest');
    expect(vad.textContent).toContain('320');
    expect(within(vad).getByText('config')).toBeTruthy();
    expect(within(screen.getByTestId('estimate-tts-tts')).getByText('typical')).toBeTruthy();
    expect(screen.getByTestId('estimate-tts-tts').className).not.toContain('slowest');
    // Hovering a hop says where its figure comes from.
    expect(screen.getByTestId('estimate-stt-stt').getAttribute('title')).toMatch(
      /bench offline: sttFinalDelayMs/,
    );
    expect(screen.queryByTestId('turns-table')).toBeNull();
  });

  it('follows config edits at once: the VAD stop delay typed in the form', () => {
    render(
      <>
        <ConfigPanel />
        <LatencyPanel onSelectNode={() => {}} />
      </>,
    );
    act(() => editorStore.getState().selectNode('vad'));
    fireEvent.change(screen.getByTestId('field-stopMs'), { target: { value: '800' } });
    // 800 ms in 32 ms windows = 25 windows = 800; 800 + 171.
    expect(total()).toContain('971 ms');
    fireEvent.change(screen.getByTestId('field-stopMs'), { target: { value: '100' } });
    // 100 ms → 4 windows = 128 ms, and Flite (160) is now the slowest hop.
    expect(total()).toContain('299 ms');
    expect(screen.getByTestId('estimate-tts-tts').className).toContain('slowest');
    expect(screen.getByTestId('estimate-vad-vad').className).not.toContain('slowest');
    // One burst of typing is one undo step: back to the loaded 300 ms.
    act(() => editorStore.getState().undo());
    expect(total()).toContain('491 ms');
  });

  it('follows the graph: swapping the TTS node type changes the hop', () => {
    render(<LatencyPanel onSelectNode={() => {}} />);
    act(() => {
      const nodes = editorStore
        .getState()
        .nodes.map((n) =>
          n.id === 'tts' ? { ...n, data: { ...n.data, type: 'tts.deepgram', config: {} } } : n,
        );
      editorStore
        .getState()
        .onNodesChange(nodes.map((item) => ({ type: 'replace' as const, id: item.id, item })));
    });
    expect(screen.getByTestId('estimate-tts-tts').getAttribute('title')).toMatch(
      /Deepgram publishes/,
    );
    expect(total()).toContain(`${320 + 10 + 1 + 200} ms`);
  });

  it('says why there is no estimate when audio cannot reach the output', () => {
    render(<LatencyPanel onSelectNode={() => {}} />);
    act(() => editorStore.getState().onEdgesChange([{ type: 'remove', id: 'tts-out' }]));
    expect(screen.getByTestId('estimate-problem').textContent).toMatch(/no path/);
  });

  it('selects the hop’s node on click', () => {
    const onSelect = vi.fn();
    render(<LatencyPanel onSelectNode={onSelect} />);
    fireEvent.click(screen.getByTestId('estimate-tts-tts'));
    expect(onSelect).toHaveBeenCalledWith('tts');
  });

  it('puts measured medians beside the estimate once turns exist, next to the waterfall', () => {
    render(<LatencyPanel onSelectNode={() => {}} />);
    act(() => {
      liveStore.getState().applyMessage({
        type: 'turn',
        sessionId: 's1',
        record: turn(1, {
          vadEndOfSpeechMs: 330,
          sttFinalMs: 340,
          llmFirstTokenMs: 341,
          firstSentenceMs: 342,
          ttsFirstAudioMs: 470,
          firstAudioOutMs: 471,
        }),
      });
      liveStore.getState().applyMessage({
        type: 'turn',
        sessionId: 's1',
        record: turn(2, {
          vadEndOfSpeechMs: 320,
          sttFinalMs: 332,
          llmFirstTokenMs: 333,
          firstSentenceMs: 334,
          ttsFirstAudioMs: 500,
          firstAudioOutMs: 500,
        }),
      });
      liveStore.getState().applyMessage({
        type: 'turn',
        sessionId: 's1',
        record: turn(3, {
          vadEndOfSpeechMs: 340,
          sttFinalMs: 350,
          llmFirstTokenMs: 352,
          firstSentenceMs: 353,
          ttsFirstAudioMs: 500,
          firstAudioOutMs: 501,
        }),
      });
    });
    expect(screen.getByTestId('waterfall')).toBeTruthy();
    expect(screen.getByTestId('turns-table')).toBeTruthy();
    expect(total()).toContain('491 ms');
    // Medians per stage: VAD 330; TTS segments 128, 166, 147 → 147; voice-to-voice 500.
    expect(screen.getByTestId('measured-vad-vad').textContent).toBe('330');
    expect(screen.getByTestId('measured-tts-tts').textContent).toBe('147');
    expect(screen.getByTestId('measured-total').textContent).toBe('500');
  });

  it('names nodes whose type declares no figure, and the paths it chose among', () => {
    const estimate: Estimate = {
      totalMs: 330,
      hops: [
        {
          nodeId: 'vad',
          nodeType: 'vad.silero',
          stage: 'vad',
          label: 'VAD stop delay',
          ms: 320,
          basis: 'config',
          source: 'config.stopMs',
          slowest: true,
        },
        {
          nodeId: 'stt',
          nodeType: 'stt.pocketsphinx',
          stage: 'stt',
          label: 'STT final',
          ms: 10,
          basis: 'typical',
          source: 'bench',
          slowest: false,
        },
      ],
      path: ['in', 'vad', 'stt', 'filter', 'out'],
      pathCount: 2,
      undeclared: ['filter'],
    };
    render(<LatencyEstimate estimate={estimate} onSelectNode={() => {}} />);
    expect(screen.getByTestId('estimate-undeclared').textContent).toMatch(
      /filter: counted as 0 ms/,
    );
    expect(screen.getByText(/Slowest of 2 paths/)).toBeTruthy();
  });
});

describe('measuredStages', () => {
  it('takes the end-of-turn hold out of the LLM segment, as the estimate lists it apart', () => {
    const held = turn(
      1,
      {
        vadEndOfSpeechMs: 320,
        sttFinalMs: 330,
        llmFirstTokenMs: 1330,
        ttsFirstAudioMs: 1500,
        firstAudioOutMs: 1500,
      },
      { endOfTurnHoldMs: 600 },
    );
    const measured = measuredStages([held]);
    expect(measured.stages).toEqual({
      vad: 320,
      stt: 10,
      turn: 600,
      llm: 400,
      tts: 170,
      output: 0,
    });
    expect(measured.voiceToVoiceMs).toBe(1500);
    expect(measuredStages([])).toEqual({ stages: {}, turns: 0 });
  });
});
