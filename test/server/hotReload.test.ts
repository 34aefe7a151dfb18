import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeChange } from '../../engine/graph/HotReloader.ts';
import { tone } from './helpers/echoBotNodes.ts';
import { LiveSocket } from './helpers/LiveSocket.ts';
import { RawPipecatSocket } from './helpers/RawPipecatSocket.ts';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

interface GraphDoc {
  nodes: Array<{ id: string; type: string; config: Record<string, unknown> }>;
  edges: Array<{ id: string; source: string; target: string }>;
}

describe('hot reload into live sessions, and the live channel', () => {
  let t: TestServer;
  let revision: string;
  let graph: GraphDoc;

  beforeAll(async () => {
    t = await startTestServer({ liveIntervalMs: 100 });
    const got = (await t.api('GET', '/api/graphs/echo')).body as {
      revision: string;
      graph: GraphDoc;
    };
    revision = got.revision;
    graph = got.graph;
  });
  afterAll(async () => {
    await t.close();
  });

  async function put(
    mutate: (g: GraphDoc) => void,
  ): Promise<Array<{ sessionId: string; nodes: NodeChange[] }>> {
    const next = structuredClone(graph);
    mutate(next);
    const res = await t.api('PUT', '/api/graphs/echo', { graph: next, revision });
    expect(res.status).toBe(200);
    const body = res.body as {
      revision: string;
      reload: { sessions: Array<{ sessionId: string; nodes: NodeChange[] }> };
    };
    revision = body.revision;
    graph = next;
    return body.reload.sessions;
  }

  async function say(s: RawPipecatSocket, text: string): Promise<string> {
    const from = s.messages.length;
    s.rtvi('send-text', { content: text });
    const m = await s.waitFor((x) => x.type === 'bot-llm-text', 3000, from);
    return String(m.data?.text);
  }

  it('applies PUTs and disk edits to a live session and streams stats, TTFB, turns, errors and reloads', {
    timeout: 20_000,
  }, async () => {
    const list = await LiveSocket.open(`${t.wsUrl}/ws/live`);
    await list.waitFor('sessions');
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
    const started = await list.waitFor('session.started');
    const sessionId = started.session.id;
    expect(started.session).toMatchObject({
      graph: 'echo',
      revision,
      transport: 'pipecat-websocket',
    });
    expect(await t.api('GET', '/api/sessions')).toMatchObject({
      status: 200,
      body: [{ id: sessionId, graph: 'echo', revision }],
    });

    const live = await LiveSocket.open(`${t.wsUrl}/ws/live?session=${sessionId}`);
    expect((await live.waitFor('hello')).nodeIds).toEqual(['in', 'ear', 'bot', 'out']);

    // A live key: a settings frame, no restart.
    let reload = await put((g) => (g.nodes[2].config.prefix = 'hey'));
    expect(reload).toEqual([
      {
        sessionId,
        nodes: expect.arrayContaining([
          { nodeId: 'bot', outcome: 'updated-live', keys: ['prefix'] },
          { nodeId: 'ear', outcome: 'unchanged' },
        ]),
      },
    ]);
    expect(await say(s, 'one')).toBe('hey: one');
    expect((await t.api('GET', '/api/sessions')).body).toMatchObject([{ revision }]);

    // Another key: the processor is replaced (at a quiet point), the session goes on.
    reload = await put((g) => (g.nodes[2].config.replyMs = 200));
    // (keys also lists 'prefix' until the engine's HotReloader keeps live-updated config in runner.graph — reported to the lead)
    expect(reload[0].nodes).toContainEqual({
      nodeId: 'bot',
      outcome: 'replaced',
      keys: expect.arrayContaining(['replyMs']),
    });
    expect(await say(s, 'two')).toBe('hey: two');

    // A node added in the middle: rewired in place.
    reload = await put((g) => {
      g.nodes.splice(2, 0, { id: 'tap', type: 'test.pass', config: {} });
      g.edges = [
        { id: 'a', source: 'in', target: 'ear' },
        { id: 'b', source: 'ear', target: 'tap' },
        { id: 'c', source: 'tap', target: 'bot' },
        { id: 'd', source: 'bot', target: 'out' },
      ];
    });
    expect(reload[0].nodes).toEqual(
      expect.arrayContaining([
        { nodeId: 'tap', outcome: 'added' },
        { nodeId: 'ear', outcome: 'rewired' },
      ]),
    );
    expect(await say(s, 'three')).toBe('hey: three');

    // The live channel saw each reload.
    await live.waitFor('reload', (m) =>
      m.nodes.some((n) => n.nodeId === 'tap' && n.outcome === 'added'),
    );
    expect(live.of('reload')).toHaveLength(3);

    // Stats per node, TTFB per service.
    const stats = await live.waitFor(
      'stats',
      (m) => m.ttfbMs.bot === 12.5 && m.nodes.tap !== undefined,
    );
    expect(stats.nodes.in).toMatchObject({
      queueDepth: expect.any(Number),
      errors: 0,
      framesInPerSec: expect.any(Number),
    });

    // A voice turn yields a latency record.
    s.sendAudio(tone(300, 16000, 300, 12000));
    s.sendAudio(new Int16Array(16000 * 0.3));
    const turn = await live.waitFor('turn', (m) => m.record.voiceToVoiceMs !== undefined, 5000);
    expect(turn.record).toMatchObject({
      userText: expect.stringMatching(/^heard \d+ ms$/),
      interrupted: false,
    });
    expect(turn.record.hops.sttFinalMs).toBeGreaterThanOrEqual(0);

    // Edited on disk: the watcher reloads the session.
    const file = path.join(t.dir, 'echo.json');
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as GraphDoc;
    onDisk.nodes.find((n) => n.id === 'bot')!.config.prefix = 'disk';
    const beforeDisk = live.messages.length;
    await writeFile(file, JSON.stringify(onDisk, null, 2));
    await live.waitFor(
      'reload',
      (m) => m.nodes.some((n) => n.nodeId === 'bot' && n.outcome === 'updated-live'),
      3000,
      beforeDisk,
    );
    expect(await say(s, 'four')).toBe('disk: four');

    // A failing node: an error to the client and to the editor; the session survives.
    const afterDisk = (await t.api('GET', '/api/graphs/echo')).body as {
      revision: string;
      graph: GraphDoc;
    };
    revision = afterDisk.revision;
    graph = afterDisk.graph;
    await put((g) => (g.nodes.find((n) => n.id === 'bot')!.config.crashOn = 'boom'));
    const from = s.messages.length;
    s.rtvi('send-text', { content: 'boom' });
    const err = await s.waitFor((m) => m.type === 'error', 3000, from);
    expect(err.data).toMatchObject({ error: "bot: echo bot crashed on 'boom'", fatal: false });
    await live.waitFor('node.error', (m) => m.nodeId === 'bot');
    await waitFor(
      () => live.of('stats').some((m) => m.nodes.bot?.errors === 1),
      2000,
      'error count in stats',
    );
    expect(await say(s, 'five')).toBe('disk: five');

    // An invalid graph on disk changes nothing live.
    await writeFile(file, '{ "version": 1, "nodes": "oops" ');
    await new Promise((r) => setTimeout(r, 400));
    expect(await say(s, 'six')).toBe('disk: six');
    const broken = await t.api('GET', '/api/graphs/echo');
    expect(broken).toMatchObject({
      status: 422,
      body: { error: expect.stringContaining('not valid JSON'), revision: expect.any(String) },
    });
    // A new session of the broken graph gets a clear error; the live one is untouched.
    const refused = await RawPipecatSocket.open(`${t.wsUrl}/ws/pipecat?graph=echo`);
    await waitFor(() => refused.closed !== undefined, 2000, 'refusal');
    expect(refused.messages[0].data).toMatchObject({
      error: expect.stringMatching(
        /^graph 'echo' could not start: its file cannot be read as JSON/,
      ),
      fatal: true,
    });
    // Overwriting the broken file from the API works with the revision the 422 gave.
    const fixed = await t.api('PUT', '/api/graphs/echo', {
      graph: onDisk,
      revision: (broken.body as { revision: string }).revision,
    });
    expect(fixed.status).toBe(200);
    expect(await say(s, 'seven')).toBe('disk: seven');

    await s.close();
    await live.waitFor('ended');
    await list.waitFor('session.ended', (m) => m.sessionId === sessionId);
    await waitFor(() => live.closed, 2000, 'live socket to close');
    list.close();
  });

  it('refuses a live channel for an unknown session', async () => {
    const live = await LiveSocket.open(`${t.wsUrl}/ws/live?session=nope`);
    await live.waitFor('error');
    await waitFor(() => live.closed, 2000, 'close');
  });

  it('reports transport changes as new-sessions-only', { timeout: 10_000 }, async () => {
    const got = (await t.api('GET', '/api/graphs/echo')).body as {
      revision: string;
      graph: GraphDoc;
    };
    revision = got.revision;
    graph = got.graph;
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
    const reload = await put((g) => {
      g.nodes = g.nodes.map((n) => (n.id === 'in' ? { ...n, id: 'input' } : n));
      g.edges = g.edges.map((e) => (e.source === 'in' ? { ...e, source: 'input' } : e));
    });
    expect(reload[0].nodes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ nodeId: 'input', outcome: 'new-sessions-only' }),
      ]),
    );
    await s.close();
  });
});
