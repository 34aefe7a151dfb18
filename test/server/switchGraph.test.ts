import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeChange } from '../../engine/graph/HotReloader.ts';
import type { TurnRecord } from '../../engine/metrics/TurnRecord.ts';
import { FakeOpenAIRealtime } from '../fakes/FakeOpenAIRealtime.ts';
import { tone } from './helpers/echoBotNodes.ts';
import { LiveSocket } from './helpers/LiveSocket.ts';
import { RawPipecatSocket } from './helpers/RawPipecatSocket.ts';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

const KEY = 'sk-test-switch';

/** A cascade of stand-ins that keeps the session's conversation: ear → user turns → echo bot → assistant turns. */
function cascade(suffix: string, prefix: string) {
  const ear = `ear${suffix}`;
  const bot = `bot${suffix}`;
  return {
    version: 1,
    name: `casc-${suffix.toLowerCase()}`,
    nodes: [
      { id: 'in', type: 'transport.input', config: {} },
      { id: ear, type: 'test.echo-ear', config: { threshold: 1000, silenceMs: 200 } },
      { id: 'user', type: 'context.user', config: {} },
      { id: bot, type: 'test.echo-bot', config: { prefix, replyMs: 200, sampleRate: 16000 } },
      { id: 'assistant', type: 'context.assistant', config: {} },
      { id: 'out', type: 'transport.output', config: {} },
    ],
    edges: [
      { id: 'e1', source: 'in', target: ear },
      { id: 'e2', source: ear, target: 'user' },
      { id: 'e3', source: 'user', target: bot },
      { id: 'e4', source: bot, target: 'assistant' },
      { id: 'e5', source: 'assistant', target: 'out' },
    ],
  };
}

describe('POST /api/sessions/:id/graph: one conversation, several graphs', () => {
  let t: TestServer;
  let fake: FakeOpenAIRealtime;

  beforeAll(async () => {
    fake = new FakeOpenAIRealtime({
      apiKey: KEY,
      responses: [{ transcript: 'Realtime here.', audioMs: 200 }],
    });
    const baseUrl = await fake.start();
    t = await startTestServer({
      liveIntervalMs: 100,
      env: { OPENAI_API_KEY: KEY, PARLEY_ALLOWED_ENDPOINTS: baseUrl },
    });
    expect(
      (await t.api('POST', '/api/graphs', { name: 'casc-a', graph: cascade('A', 'alpha') })).status,
    ).toBe(201);
    expect(
      (await t.api('POST', '/api/graphs', { name: 'casc-b', graph: cascade('B', 'beta') })).status,
    ).toBe(201);
    const s2s = {
      version: 1,
      name: 'rt',
      nodes: [
        { id: 'in', type: 'transport.input', config: {} },
        { id: 's2s', type: 's2s.openai-realtime', config: { baseUrl, reconnectDelayMs: 0 } },
        { id: 'out', type: 'transport.output', config: {} },
      ],
      edges: [
        { id: 'e1', source: 'in', target: 's2s' },
        { id: 'e2', source: 's2s', target: 'out' },
      ],
    };
    expect((await t.api('POST', '/api/graphs', { name: 'rt', graph: s2s })).status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });

  async function speak(s: RawPipecatSocket, live: LiveSocket, graph: string): Promise<TurnRecord> {
    const from = live.messages.length;
    s.sendAudio(tone(300, 16000, 300, 12000));
    s.sendAudio(new Int16Array(16000 * 0.3));
    const m = await live.waitFor(
      'turn',
      (x) => x.record.graph === graph && x.record.voiceToVoiceMs !== undefined,
      5000,
      from,
    );
    return m.record;
  }

  it('switches a live cascade to another cascade and to the s2s node, keeping the conversation', {
    timeout: 30_000,
  }, async () => {
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=casc-a`);
    const sessionId = ((await t.api('GET', '/api/sessions')).body as Array<{ id: string }>)[0].id;
    const session = t.server.sessions.get(sessionId)!;
    const conversation = session.runner.session.conversation;
    const live = await LiveSocket.open(`${t.wsUrl}/ws/live?session=${sessionId}`);
    await live.waitFor('hello');

    const turnA = await speak(s, live, 'casc-a');
    expect(turnA.userText).toMatch(/^heard \d+ ms$/);
    await waitFor(
      () =>
        conversation.messages.some((m) => m.role === 'assistant' && m.content.startsWith('alpha:')),
      3000,
      'reply on graph A',
    );
    const afterA = conversation.messages.map((m) => ({ ...m }));
    expect(afterA.map((m) => m.role)).toEqual(expect.arrayContaining(['user', 'assistant']));

    // A structural swap (ear/bot replaced by other nodes): applied in place.
    const toB = await t.api('POST', `/api/sessions/${sessionId}/graph`, { graph: 'casc-b' });
    expect(toB.status).toBe(200);
    const nodesB = (toB.body as { graph: string; nodes: NodeChange[] }).nodes;
    expect((toB.body as { graph: string }).graph).toBe('casc-b');
    expect(nodesB).toEqual(
      expect.arrayContaining([
        { nodeId: 'earB', outcome: 'added' },
        { nodeId: 'botA', outcome: 'removed' },
      ]),
    );
    const nowB = (await t.api('GET', `/api/sessions/${sessionId}`)).body as {
      graph: string;
      nodes: string[];
    };
    expect(nowB.graph).toBe('casc-b');
    expect([...nowB.nodes].sort()).toEqual(['assistant', 'botB', 'earB', 'in', 'out', 'user']);

    const turnB = await speak(s, live, 'casc-b');
    expect(turnB.turn).toBeGreaterThan(turnA.turn);
    await waitFor(
      () =>
        conversation.messages.some((m) => m.role === 'assistant' && m.content.startsWith('beta:')),
      3000,
      'reply on graph B',
    );
    // Same ConversationContext: what was said on graph A is still there, in front.
    expect(session.runner.session.conversation).toBe(conversation);
    expect(conversation.messages.slice(0, afterA.length)).toEqual(afterA);

    // Now the speech-to-speech node: it is seeded with the conversation so far.
    const toRt = await t.api('POST', `/api/sessions/${sessionId}/graph`, { graph: 'rt' });
    expect(toRt.status).toBe(200);
    expect((toRt.body as { nodes: NodeChange[] }).nodes).toEqual(
      expect.arrayContaining([
        { nodeId: 's2s', outcome: 'added' },
        { nodeId: 'user', outcome: 'removed' },
      ]),
    );
    await waitFor(
      () =>
        fake.sessions.length === 1 && fake.eventsOf(fake.sessions[0], 'session.update').length > 0,
      5000,
      'realtime connection',
    );
    const rt = fake.sessions[0];
    const before = conversation.messages.filter(
      (m) => (m.role === 'user' || m.role === 'assistant') && m.content.trim(),
    );
    expect(before.length).toBeGreaterThanOrEqual(4);
    await waitFor(
      () => fake.eventsOf(rt, 'conversation.item.create').length >= before.length,
      3000,
      'seeded items',
    );
    const seeded = fake.eventsOf(rt, 'conversation.item.create') as Array<{
      item: { role: string; content: Array<{ text: string }> };
    }>;
    expect(seeded.map((e) => [e.item.role, e.item.content[0].text])).toEqual(
      before.map((m) => [m.role, m.content]),
    );
    expect(seeded.map((e) => e.item.content[0])).toContainEqual({
      type: 'output_text',
      text: expect.stringMatching(/^alpha:/),
    });

    const from = live.messages.length;
    await fake.userSpeaks(rt, 'and now?');
    const turnRt = await live.waitFor('turn', (x) => x.record.graph === 'rt', 5000, from);
    expect(turnRt.record.userText ?? 'and now?').toBe('and now?');
    await waitFor(
      () =>
        conversation.messages.some((m) => m.role === 'assistant' && m.content === 'Realtime here.'),
      3000,
      'realtime reply in the conversation',
    );
    expect(conversation.messages.slice(0, afterA.length)).toEqual(afterA);

    // Every turn names the graph it ran on.
    const graphs = live.of('turn').map((m) => m.record.graph);
    expect(new Set(graphs)).toEqual(new Set(['casc-a', 'casc-b', 'rt']));

    await s.close();
  });

  it('refuses unknown sessions, unknown graphs and graphs whose credentials are missing, leaving the session as it was', {
    timeout: 10_000,
  }, async () => {
    expect((await t.api('POST', '/api/sessions/nope/graph', { graph: 'casc-a' })).status).toBe(404);
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=casc-a`);
    const sessionId = (
      (await t.api('GET', '/api/sessions')).body as Array<{ id: string; graph: string }>
    ).find((x) => x.graph === 'casc-a')!.id;
    expect(
      (await t.api('POST', `/api/sessions/${sessionId}/graph`, { graph: 'missing' })).status,
    ).toBe(404);
    expect((await t.api('POST', `/api/sessions/${sessionId}/graph`, {})).status).toBe(400);
    const session = t.server.sessions.get(sessionId)!;
    const env = (session as unknown as { options: { env: Record<string, string | undefined> } })
      .options.env;
    const saved = env.OPENAI_API_KEY;
    delete env.OPENAI_API_KEY;
    try {
      const refused = await t.api('POST', `/api/sessions/${sessionId}/graph`, { graph: 'rt' });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        error: expect.stringContaining('OPENAI_API_KEY'),
        nodes: [],
      });
    } finally {
      env.OPENAI_API_KEY = saved;
    }
    expect((await t.api('GET', `/api/sessions/${sessionId}`)).body).toMatchObject({
      graph: 'casc-a',
      nodes: ['in', 'earA', 'user', 'botA', 'assistant', 'out'],
    });
    await s.close();
  });
});
