import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloseCode } from '../../server/net/closeCodes.ts';
import { MAX_SEND_BACKLOG_BYTES } from '../../server/net/sendBounded.ts';
import { RealtimeItems } from '../../server/transports/realtime/RealtimeItems.ts';
import { MAX_EVENT_DEPTH } from '../../server/transports/realtime/realtimeClientEvents.ts';
import { SESSION_UPDATE_LIMITS } from '../../server/transports/realtime/sessionUpdateLimits.ts';
import { CapturingLogger } from './helpers/CapturingLogger.ts';
import { RawRealtimeSocket } from './helpers/RawRealtimeSocket.ts';
import { RawWebSocket } from './helpers/RawWebSocket.ts';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

/** in → echo ear → user turns → llm.rules → out: a graph whose LLM has a `systemPrompt` (max 20,000 characters) for `instructions`. */
const RULES_GRAPH = {
  version: 1,
  name: 'rules',
  nodes: [
    { id: 'in', type: 'transport.input', config: {} },
    { id: 'ear', type: 'test.echo-ear', config: {} },
    { id: 'user', type: 'context.user', config: {} },
    { id: 'llm', type: 'llm.rules', config: {} },
    { id: 'out', type: 'transport.output', config: {} },
  ],
  edges: [
    { id: 'a', source: 'in', target: 'ear' },
    { id: 'b', source: 'ear', target: 'user' },
    { id: 'c', source: 'user', target: 'llm' },
    { id: 'd', source: 'llm', target: 'out' },
  ],
};

function nested(depth: number): unknown {
  let value: unknown = { type: 'string' };
  for (let i = 0; i < depth; i++) value = { type: 'object', properties: { x: value } };
  return value;
}

const parsedMessages = (socket: RawWebSocket) =>
  socket.messages.map((m) => JSON.parse(m.data.toString()) as { type: string });

describe('/v1/realtime limits', () => {
  const logger = new CapturingLogger();
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ logger });
    await writeFile(path.join(t.dir, 'rules.json'), JSON.stringify(RULES_GRAPH));
  });
  afterAll(async () => {
    await t.close();
  });

  it('drops a client that asks for large items and stops reading (4503), and other sessions go on', {
    timeout: 30_000,
  }, async () => {
    const reader = await RawWebSocket.connect(`${t.wsUrl}/v1/realtime?graph=echo`);
    await reader.waitForMessage((m) => m.data.includes('"session.created"'), 20_000);
    const text = 'x'.repeat(900 * 1024);
    reader.sendText(
      JSON.stringify({
        type: 'conversation.item.create',
        item: { id: 'big', type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
      }),
    );
    await reader.waitForMessage(
      (m) => m.data.subarray(0, 200).includes('"conversation.item.done"'),
      10_000,
    );
    expect(t.server.sessions.size).toBe(1);

    // 16 KB of requests for 900 KB answers, and nobody reads them.
    reader.socket.pause();
    const requests = 60;
    for (let i = 0; i < requests; i++)
      reader.sendText(
        JSON.stringify({ type: 'conversation.item.retrieve', item_id: 'big', event_id: `r${i}` }),
      );
    await waitFor(() => t.server.sessions.size === 0, 15_000, 'the slow reader’s session to end');
    expect(
      logger.lines.some(
        (l) =>
          l.fields.problem === 'slow reader dropped' && l.fields.closeCode === CloseCode.slowReader,
      ),
    ).toBe(true);

    // Another client on the same server is served as usual.
    const other = await RawRealtimeSocket.ready(`${t.wsUrl}/v1/realtime?graph=echo`);
    other.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
    });
    await other.log.next('conversation.item.done');
    await other.close();

    // When the slow client reads at last, it finds a close 4503 after what was queued — not an answer to every request.
    reader.socket.resume();
    expect(await reader.waitClosed(15_000)).toBe(true);
    expect(reader.closeFrame?.code).toBe(CloseCode.slowReader);
    const retrieved = parsedMessages(reader).filter(
      (m) => m.type === 'conversation.item.retrieved',
    ).length;
    expect(retrieved).toBeLessThan(requests);
    // What was queued for it: the limit, one more item, and what the kernel's socket buffers held.
    const queuedBytes = reader.messages.reduce((sum, m) => sum + m.data.length, 0);
    expect(queuedBytes).toBeLessThan(MAX_SEND_BACKLOG_BYTES + 12 * 1024 * 1024);
  });

  it('refuses over-large session.update parts with invalid_value naming the field; the session keeps working', {
    timeout: 20_000,
  }, async () => {
    const s = await RawRealtimeSocket.ready(`${t.wsUrl}/v1/realtime?graph=rules`);
    const tool = (overrides: Record<string, unknown>) => ({
      type: 'function',
      name: 'f',
      description: 'd',
      parameters: { type: 'object', properties: {} },
      ...overrides,
    });
    const cases: Array<{ session: Record<string, unknown>; param: string; message: RegExp }> = [
      {
        session: { tools: [tool({ parameters: nested(20) })] },
        param: 'session.tools[0].parameters',
        message: /nest deeper than 32 levels/,
      },
      {
        session: {
          tools: Array.from({ length: SESSION_UPDATE_LIMITS.maxTools + 1 }, (_, i) =>
            tool({ name: `f${i}` }),
          ),
        },
        param: 'session.tools',
        message: /129 tools; the limit is 128/,
      },
      {
        session: {
          tools: [
            tool({ description: 'd'.repeat(SESSION_UPDATE_LIMITS.maxToolDescriptionChars + 1) }),
          ],
        },
        param: 'session.tools[0].description',
        message: /the limit is 4000/,
      },
      {
        session: {
          tools: [tool({ parameters: { type: 'object', description: 'p'.repeat(40_000) } })],
        },
        param: 'session.tools[0].parameters',
        message: /characters of JSON; the limit is 32768/,
      },
      {
        session: { instructions: 'i'.repeat(SESSION_UPDATE_LIMITS.maxInstructionsChars + 1) },
        param: 'session.instructions',
        message: /20001 characters; the limit is 20000/,
      },
    ];
    for (const { session, param, message } of cases) {
      const error = await s.sendForError({ type: 'session.update', event_id: 'evt_big', session });
      expect(error, param).toMatchObject({ code: 'invalid_value', param, event_id: 'evt_big' });
      expect(error.message).toMatch(message);
    }

    // 200,000 levels: refused as an event before anything walks it.
    const deep = JSON.stringify({
      type: 'session.update',
      session: { tools: [tool({ parameters: 'DEEP' })] },
    }).replace('"DEEP"', `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    const error = await s.sendForError(deep);
    expect(error).toMatchObject({ code: 'invalid_event' });
    expect(error.message).toContain(`deeper than ${MAX_EVENT_DEPTH} levels`);

    // Nothing of the refused updates stuck, and the next update works.
    const from = s.log.mark;
    s.send({
      type: 'session.update',
      session: { instructions: 'Be brief.', tools: [tool({ name: 'ok' })] },
    });
    const updated = await s.log.next('session.updated', { from });
    expect(updated.session).toMatchObject({ instructions: 'Be brief.', tools: [{ name: 'ok' }] });
    await s.close();
  });

  it('logs lengths, not client text: a 900 KB instructions or tool name makes no large log line', {
    timeout: 20_000,
  }, async () => {
    const s = await RawRealtimeSocket.ready(`${t.wsUrl}/v1/realtime?graph=rules`);
    const before = logger.lines.length;
    await s.sendForError({
      type: 'session.update',
      session: { instructions: 'i'.repeat(900 * 1024) },
    });
    let from = s.log.mark;
    s.send({
      type: 'session.update',
      session: { audio: { output: { voice: 'v'.repeat(900 * 1024) } } },
    });
    await s.log.next('session.updated', { from }); // a voice the TTS cannot take is logged and left as it was
    await s.sendForError({ type: 'conversation.item.retrieve', item_id: 'n'.repeat(900 * 1024) });
    from = s.log.mark;
    s.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'c'.repeat(900 * 1024), output: 'o' },
    });
    await s.log.next('conversation.item.done', { from });
    await s.close();
    const lines = logger.lines.slice(before);
    expect(Math.max(0, ...lines.map((l) => l.bytes))).toBeLessThan(2048);
  });
});

describe('RealtimeItems', () => {
  it('keeps at most MAX_CHARS of items, forgetting the oldest, never the newest', () => {
    const items = new RealtimeItems();
    const big = (id: string) => ({
      id,
      type: 'message',
      content: [{ type: 'input_text', text: 'x'.repeat(1024 * 1024) }],
    });
    for (let i = 0; i < 12; i++) items.put(big(`i${i}`));
    expect(items.get('i0')).toBeUndefined();
    expect(items.get('i11')).toBeDefined();
    const kept = Array.from({ length: 12 }, (_, i) => items.get(`i${i}`)).filter(Boolean).length;
    expect(kept * 1024 * 1024).toBeLessThanOrEqual(RealtimeItems.MAX_CHARS);
    // An item bigger than the whole budget is still the one a retrieve right after it finds.
    items.put({ id: 'huge', type: 'message', text: 'y'.repeat(RealtimeItems.MAX_CHARS + 1) });
    expect(items.get('huge')).toBeDefined();
    expect(items.get('i11')).toBeUndefined();
  });
});
