// @vitest-environment jsdom

/**
 * The Tests panel and Save as scenario against a scripted /api/scenarios:
 * the draft graph goes with the run request, verdicts and failures appear per
 * scenario, the comparison marks what differs, and a refused save shows the
 * server's problems.
 */
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  ConversationTurnWire,
  RunJob,
  ScenarioRunResult,
  SuitesAnswer,
  ToolCallWire,
} from '../../server/api/scenarioWire.ts';

const { editorStore } = await import('../../editor/src/store/editorStore.ts');
const { talkStore } = await import('../../editor/src/store/talkStore.ts');
const { TestsPanel } = await import('../../editor/src/tests/TestsPanel.tsx');
const { SaveAsScenario } = await import('../../editor/src/tests/SaveAsScenario.tsx');
const { talkRecordingStore } = await import('../../editor/src/tests/talkRecording.ts');
const { testsStore } = await import('../../editor/src/tests/testsStore.ts');

const suites: SuitesAnswer = {
  suites: [
    {
      name: 'default-agent',
      problems: [],
      scenarios: [
        { name: 'weather-tokyo', file: 'weather-tokyo.json', turns: 1, hasRecording: false },
        { name: 'joke', file: 'joke.json', turns: 1, hasRecording: false },
      ],
    },
  ],
};

const failed: ScenarioRunResult = {
  name: 'weather-tokyo',
  status: 'failed',
  failures: [
    'weather-tokyo: turn 1 \'what is the weather in Tokyo\': expected tool get_weather with {"location":"Tokyo"}, got no tool call',
  ],
  turns: [
    {
      turn: 1,
      text: 'what is the weather in Tokyo',
      checks: [
        {
          expectation: 'tool get_weather with {"location":"Tokyo"}',
          passed: false,
          detail: 'got no tool call',
        },
      ],
      notes: [],
    },
  ],
  graphErrors: [],
  baseline: 'deployed',
  mode: 'fast',
  durationMs: 900,
  comparison: {
    old: { graph: 'voice-agent', revision: 'abc', id: 'a' },
    new: { graph: 'voice-agent', revision: 'draft', id: 'b' },
    latencyNoiseMs: 150,
    differences: ['said', 'tools'],
    turns: [
      {
        turn: 1,
        old: turn('the weather in tokyo', 'In Tokyo it is 18 degrees.', [
          {
            name: 'get_weather',
            arguments: '{"location":"Tokyo"}',
            isError: false,
            notInRecording: false,
          },
        ]),
        new: turn('the weather in tokyo', 'Sorry, I have no weather service.', []),
        voiceToVoice: { old: 352, new: 360, deltaMs: 8, differs: false },
        hops: {
          vadEndOfSpeechMs: { old: 320, new: 320, deltaMs: 0, differs: false },
          sttFinalMs: { differs: false },
          llmFirstTokenMs: { differs: false },
          firstSentenceMs: { differs: false },
          ttsFirstAudioMs: { differs: false },
          firstAudioOutMs: { differs: false },
        },
        differences: ['said', 'tools'],
      },
    ],
  },
};
const passed: ScenarioRunResult = {
  ...failed,
  name: 'joke',
  status: 'passed',
  failures: [],
  comparison: undefined,
  baseline: null,
  baselineNote: 'not compared',
};

function turn(heard: string, said: string, tools: ToolCallWire[]): ConversationTurnWire {
  return {
    turn: 1,
    heard,
    said,
    tools,
    interrupted: false,
    voiceToVoiceMs: 352,
    hops: {},
    errors: [],
  };
}

let requests: Array<{ method: string; url: string; body?: unknown }>;
let jobPolls: number;

function answer(status: number, body: unknown) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function job(state: RunJob['state'], results: ScenarioRunResult[]): RunJob {
  return {
    id: 'job-1',
    state,
    suite: 'default-agent',
    graph: 'voice-agent',
    scenarios: ['weather-tokyo', 'joke'],
    results,
    createdAt: new Date(0).toISOString(),
  };
}

beforeEach(() => {
  requests = [];
  jobPolls = 0;
  editorStore
    .getState()
    .loadGraph({ version: 1, name: 'voice-agent', nodes: [], edges: [] } as never, {
      name: 'voice-agent',
      revision: 'abc',
    });
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      requests.push({ method: init.method ?? 'GET', url, body });
      if (url === '/api/scenarios') return answer(200, suites);
      if (url === '/api/scenarios/runs') return answer(202, job('queued', []));
      if (url === '/api/scenarios/runs/job-1')
        return answer(
          200,
          ++jobPolls < 2 ? job('running', [failed]) : job('done', [failed, passed]),
        );
      if (url.endsWith('/from-talk'))
        return answer(409, { error: 'suite "default-agent" already has a scenario "taken"' });
      return answer(404, { error: 'no such route' });
    }),
  );
});

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  testsStore.setState({ job: null, problems: [], open: null, editing: null, skipped: {} });
});

describe('the Tests panel', () => {
  it('runs the chosen scenarios against the draft and shows verdicts, failures and the comparison', async () => {
    render(<TestsPanel />);
    await screen.findByTestId('scenario-weather-tokyo');
    fireEvent.click(screen.getByTestId('tests-run'));
    await waitFor(() => expect(screen.getByTestId('tests-progress').dataset.state).toBe('done'), {
      timeout: 3000,
    });
    const run = requests.find((r) => r.url === '/api/scenarios/runs');
    expect(run?.body).toMatchObject({
      suite: 'default-agent',
      scenarios: ['weather-tokyo', 'joke'],
      graphName: 'voice-agent',
      baseline: 'auto',
      graph: { name: 'voice-agent', nodes: [], edges: [] },
    });
    expect(screen.getByTestId('status-weather-tokyo').textContent).toBe('FAIL');
    expect(screen.getByTestId('status-joke').textContent).toBe('PASS');
    expect(screen.getByTestId('first-failure-weather-tokyo').textContent).toContain(
      "turn 1 'what is the weather in Tokyo': expected tool get_weather",
    );

    fireEvent.click(screen.getByTestId('scenario-open-weather-tokyo'));
    const table = screen.getByTestId('comparison');
    const row = (name: string) => within(table).getByTestId(`row-${name}`).querySelectorAll('td');
    expect(row('said')[0].textContent).toBe('≠');
    expect(row('said')[3].textContent).toBe('Sorry, I have no weather service.');
    expect(row('tools')[2].textContent).toBe('get_weather({"location":"Tokyo"})');
    expect(row('tools')[3].textContent).toBe('–');
    expect(row('heard')[0].textContent).toBe('');
    expect(row('voice-to-voice')[3].textContent).toBe('360 ms (+8 ms)');
    expect(table.textContent).toContain('deployed revision');
  });

  it('runs only the scenarios left ticked, and says so when none is', async () => {
    render(<TestsPanel />);
    await screen.findByTestId('scenario-joke');
    fireEvent.click(screen.getByTestId('scenario-check-joke'));
    fireEvent.click(screen.getByTestId('tests-compare'));
    fireEvent.click(screen.getByTestId('tests-run'));
    await waitFor(() => expect(requests.some((r) => r.url === '/api/scenarios/runs')).toBe(true));
    expect(requests.find((r) => r.url === '/api/scenarios/runs')?.body).toMatchObject({
      scenarios: ['weather-tokyo'],
      baseline: 'none',
    });
    await act(async () => {
      await testsStore.getState().cancel();
      testsStore.setState({ skipped: { joke: true, 'weather-tokyo': true }, job: null });
    });
    fireEvent.click(screen.getByTestId('tests-run'));
    expect((await screen.findByTestId('tests-problems')).textContent).toContain(
      'Choose at least one scenario to run.',
    );
  });
});

describe('Save as scenario', () => {
  it('appears once a recorded Talk session has ended, and shows why the server refused a save', async () => {
    talkStore.setState({ state: 'connected', sessionId: 's-1' });
    talkRecordingStore.setState({ sessionId: 's-1', state: 'recording', error: null });
    render(<SaveAsScenario />);
    expect(screen.queryByTestId('save-as-scenario')).toBeNull();
    act(() => {
      talkStore.setState({ state: 'idle' });
      talkRecordingStore.setState({ state: 'ready' });
    });
    fireEvent.click(screen.getByTestId('save-as-scenario'));
    fireEvent.change(screen.getByTestId('save-scenario-suite'), {
      target: { value: 'default-agent' },
    });
    fireEvent.change(screen.getByTestId('save-scenario-name'), { target: { value: 'taken' } });
    fireEvent.click(screen.getByTestId('save-scenario-submit'));
    expect((await screen.findByTestId('save-scenario-error')).textContent).toBe(
      'suite "default-agent" already has a scenario "taken"',
    );
    expect(requests.at(-1)).toEqual({
      method: 'POST',
      url: '/api/scenarios/suites/default-agent/from-talk',
      body: { sessionId: 's-1', name: 'taken' },
    });
  });
});
