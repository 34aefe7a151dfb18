/**
 * The Tests panel's routes (/api/scenarios) on a real server with the real
 * offline default graph: listing suites, refusing bad input with a message
 * that names it, running scenarios against a draft graph as a job (in a
 * process of its own) with a comparison, one job per client, cancelling, and
 * a Talk session over the Pipecat WebSocket recorded on request and saved as
 * a scenario that then passes against the same graph.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { silentLogger } from '../../engine/core/Logger.ts';
import { closeSharedServices } from '../../engine/providers/sharedServices.ts';
import type {
  RunJob,
  ScenarioSource,
  SuitesAnswer,
  TalkRecordingStatus,
} from '../../server/api/scenarioWire.ts';
import { createServer, type ParleyServer } from '../../server/createServer.ts';
import { FakeOpenMeteo } from '../fakes/FakeOpenMeteo.ts';
import { loadSpeechFixture } from '../fixtures/speech/speechFixtures.ts';
import { Microphone } from '../recording/helpers/Microphone.ts';
import { RawPipecatSocket } from './helpers/RawPipecatSocket.ts';
import { waitFor } from './helpers/testServer.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface GraphDoc {
  name: string;
  nodes: Array<{ id: string; type: string; config: Record<string, unknown> }>;
  edges: Array<{ id: string; source: string; target: string }>;
}

describe('/api/scenarios (real server, offline default graph)', () => {
  let work: string;
  let server: ParleyServer;
  let url: string;
  let weather: FakeOpenMeteo;
  let graph: GraphDoc;

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'parley-scenario-routes-'));
    weather = new FakeOpenMeteo();
    const weatherUrl = await weather.start();
    graph = JSON.parse(await readFile(path.join(ROOT, 'graphs/voice-agent.json'), 'utf8'));
    for (const node of graph.nodes)
      if (node.type === 'tool.weather' || node.type === 'tool.clock')
        node.config = { ...node.config, baseUrl: weatherUrl, geocodingBaseUrl: weatherUrl };
    await writeFile(path.join(work, 'voice-agent.json'), JSON.stringify(graph));
    const suite = path.join(work, 'scenarios/default-agent');
    await cp(path.join(ROOT, 'scenarios/default-agent'), suite, { recursive: true });
    server = createServer({
      registry: createDefaultRegistry(),
      graphsDir: work,
      env: {},
      logger: silentLogger,
      editorDir: path.join(work, 'no-editor'),
      watch: false,
      scenarios: { dir: path.join(work, 'scenarios'), maxRunningJobs: 1 },
    });
    ({ url } = await server.listen(0, '127.0.0.1'));
  });

  afterAll(async () => {
    await server?.close();
    await weather?.stop();
    await closeSharedServices();
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function api<T>(method: string, route: string, body?: unknown, client = 'tab-1') {
    const res = await fetch(url + route, {
      method,
      headers: {
        'x-parley-client': client,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as T & { error?: string; problems?: string[] },
    };
  }

  async function finished(id: string, timeoutMs = 90_000): Promise<RunJob> {
    let job: RunJob | undefined;
    await waitFor(
      async () => {
        job = (await api<RunJob>('GET', `/api/scenarios/runs/${id}`)).body;
        return job.state !== 'queued' && job.state !== 'running';
      },
      timeoutMs,
      `scenario run ${id} to finish`,
    );
    return job as RunJob;
  }

  it('lists the suites under the scenarios root with their scenarios', async () => {
    const { status, body } = await api<SuitesAnswer>('GET', '/api/scenarios');
    expect(status).toBe(200);
    expect(body.suites.map((s) => s.name)).toEqual(['default-agent']);
    expect(body.suites[0].scenarios.map((s) => s.name).sort()).toEqual([
      'barge-in',
      'follow-up',
      'joke',
      'weather-tokyo',
    ]);
    expect(body.suites[0].problems).toEqual([]);
  });

  it('refuses bad input with a 4xx that names what was wrong', async () => {
    const unknown = await api('POST', '/api/scenarios/runs', { suite: 'nope', graph });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain('no scenario suite "nope"');

    const traversal = await api('GET', '/api/scenarios/suites/..%2F..%2Fetc');
    expect(traversal.status).toBe(400);
    expect(traversal.body.error).toContain('invalid suite name "../../etc"');

    const dotted = await api('POST', '/api/scenarios/runs', { suite: '..', graph });
    expect(dotted.status).toBe(400);
    expect(dotted.body.error).toContain('invalid suite name ".."');

    const noScenario = await api('POST', '/api/scenarios/runs', {
      suite: 'default-agent',
      scenarios: ['joke', 'nope'],
      graph,
    });
    expect(noScenario.status).toBe(404);
    expect(noScenario.body.error).toBe('no scenario "nope" in suite "default-agent"');

    const broken = structuredClone(graph);
    broken.nodes.find((n) => n.id === 'vad')!.config.stopMs = 'slow';
    const invalid = await api('POST', '/api/scenarios/runs', {
      suite: 'default-agent',
      graph: broken,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatch(/^invalid graph draft: nodes\[\d+\]\.config\.stopMs/);

    const missing = await api('POST', '/api/scenarios/runs', { suite: 'default-agent' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toContain('graph: required');

    const badEdit = await api('PUT', '/api/scenarios/suites/default-agent/joke', {
      text: JSON.stringify({
        scenarioVersion: 1,
        name: 'joke',
        turns: [{ say: 'hi', expect: { replyMatches: '(' } }],
      }),
    });
    expect(badEdit.status).toBe(400);
    expect(badEdit.body.problems).toEqual([
      'turns.0.expect.replyMatches: not a valid regular expression',
    ]);
  });

  it('runs scenarios against the draft as a job: pass/fail per scenario, a comparison with the deployed graph, one job per client, cancellable', async () => {
    // The draft differs from the deployed graph: a slower VAD stop delay shows as latency only.
    const draft = structuredClone(graph);
    draft.nodes.find((n) => n.id === 'vad')!.config.stopMs = 600;
    const started = await api<RunJob>('POST', '/api/scenarios/runs', {
      suite: 'default-agent',
      scenarios: ['joke'],
      graph: draft,
      graphName: 'voice-agent',
    });
    expect(started.status).toBe(202);
    const second = await api('POST', '/api/scenarios/runs', { suite: 'default-agent', graph });
    expect(second.status).toBe(409);
    expect(second.body.error).toContain('already has a scenario run in progress');

    const job = await finished(started.body.id);
    expect(job.state).toBe('done');
    const [joke] = job.results;
    expect(joke).toMatchObject({
      name: 'joke',
      status: 'passed',
      baseline: 'deployed',
      mode: 'fast',
    });
    const turn = joke.comparison!.turns.find((t) => t.turn === 1)!;
    expect(turn.new!.heard).toContain('joke');
    expect(turn.old!.heard).toBe(turn.new!.heard);
    // The VAD's 300 → 600 ms stop delay: +~300 ms voice-to-voice, marked.
    expect(turn.voiceToVoice.deltaMs).toBeGreaterThan(200);
    expect(turn.differences).toContain('latency');

    // A second client's job is cancelled while it runs.
    const other = await api<RunJob>(
      'POST',
      '/api/scenarios/runs',
      { suite: 'default-agent', graph },
      'tab-2',
    );
    expect(other.status).toBe(202);
    const cancelled = await api<RunJob>(
      'DELETE',
      `/api/scenarios/runs/${other.body.id}`,
      undefined,
      'tab-2',
    );
    expect(cancelled.body.state).toBe('cancelled');
    expect((await api('GET', '/api/scenarios/runs/nope')).status).toBe(404);
  }, 120_000);

  it('records a Talk session on request and saves it as a scenario that passes against the same graph', async () => {
    const socket = await RawPipecatSocket.ready(
      `${url.replace(/^http/, 'ws')}/ws/pipecat?graph=voice-agent`,
    );
    const [session] = server.sessions.list();
    const recording = await api<TalkRecordingStatus>('POST', '/api/scenarios/talk-recordings', {
      sessionId: session.id,
    });
    expect(recording.status).toBe(201);
    expect(recording.body.state).toBe('recording');
    const again = await api('POST', '/api/scenarios/talk-recordings', { sessionId: session.id });
    expect(again.status).toBe(409);
    const early = await api('POST', '/api/scenarios/suites/mine/from-talk', {
      sessionId: session.id,
      name: 'tokyo',
    });
    expect(early.status).toBe(409);
    expect(early.body.error).toContain('still live');

    const mic = new Microphone(socket);
    const answered = socket.count('bot-stopped-speaking');
    await mic.say(loadSpeechFixture('weather-tokyo.wav').samples);
    await waitFor(
      () => socket.count('bot-stopped-speaking') > answered,
      30_000,
      'the bot to answer',
    );
    await mic.stop();
    await socket.close();
    await waitFor(() => server.sessions.size === 0, 5000, 'the session to end');

    const traversal = await api('POST', '/api/scenarios/suites/mine/from-talk', {
      sessionId: session.id,
      name: '../x',
    });
    expect(traversal.status).toBe(400);
    const saved = await api<ScenarioSource>('POST', '/api/scenarios/suites/mine/from-talk', {
      sessionId: session.id,
      name: 'tokyo',
    });
    expect(saved.status).toBe(201);
    const scenario = JSON.parse(saved.body.text);
    expect(scenario.turns).toHaveLength(1);
    expect(scenario.turns[0]).toMatchObject({
      wav: 'tokyo/turn-1.wav',
      expect: {
        toolCalled: {
          name: 'get_weather',
          arguments: { location: expect.stringMatching(/tokyo/i) },
        },
      },
    });
    expect(scenario.turns[0].expect.replyMatches).toBeTruthy();
    expect(scenario.turns[0].expect.voiceToVoiceMsBelow).toBeGreaterThan(300);
    expect(scenario.tools[0]).toMatchObject({ name: 'get_weather' });
    const dup = await api('POST', '/api/scenarios/suites/mine/from-talk', {
      sessionId: session.id,
      name: 'tokyo',
    });
    expect(dup.status).toBe(409);

    const listed = (await api<SuitesAnswer>('GET', '/api/scenarios')).body.suites.find(
      (s) => s.name === 'mine',
    );
    expect(listed?.scenarios).toEqual([
      expect.objectContaining({ name: 'tokyo', hasRecording: true, turns: 1 }),
    ]);

    const run = await api<RunJob>('POST', '/api/scenarios/runs', {
      suite: 'mine',
      graph,
      graphName: 'voice-agent',
    });
    expect(run.status).toBe(202);
    const job = await finished(run.body.id);
    const [result] = job.results;
    expect(result.failures).toEqual([]);
    expect(result).toMatchObject({ name: 'tokyo', status: 'passed', baseline: 'recording' });
    const turn = result.comparison!.turns.find((t) => t.turn === 1)!;
    expect(turn.old!.tools[0].name).toBe('get_weather');
    expect(turn.new!.tools[0].arguments).toBe(turn.old!.tools[0].arguments);
  }, 120_000);
});
