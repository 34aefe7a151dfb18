/**
 * The server's keys go only where the server allows, whatever a saved graph
 * says: a graph pointing a cloud node at another host cannot start, cannot be
 * moved into a live call, and nothing (not even a TCP connection) reaches that
 * host. The same graphs with the host allowed do reach it, so the test can fail.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawPipecatSocket } from './helpers/RawPipecatSocket.ts';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

const ENV = {
  OPENAI_API_KEY: 'sk-endpoint-test-SECRET',
  DEEPGRAM_API_KEY: 'dg-endpoint-test-SECRET',
};

/** A host that should never hear from the server: counts connections, requests and upgrades. */
class RecordingHost {
  connections = 0;
  readonly requests: Array<{ method: string; url: string; authorization: string | undefined }> = [];
  private readonly server = http.createServer((req, res) => {
    this.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: req.headers.authorization,
    });
    res.writeHead(503).end();
  });

  constructor() {
    this.server.on('connection', () => this.connections++);
    this.server.on('upgrade', (req, socket) => {
      this.requests.push({
        method: 'UPGRADE',
        url: req.url ?? '',
        authorization: req.headers.authorization,
      });
      socket.on('error', () => {});
      socket.end('HTTP/1.1 503 Service Unavailable\r\n\r\n');
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.connections = 0;
    this.requests.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const inOut = (
  middle: Array<{ id: string; type: string; config: Record<string, unknown> }>,
  name: string,
) => ({
  version: 1,
  name,
  nodes: [
    { id: 'in', type: 'transport.input', config: {} },
    ...middle,
    { id: 'out', type: 'transport.output', config: {} },
  ],
  edges: [
    ...['in', ...middle.map((m) => m.id)].map((source, i, ids) => ({
      id: `e${i}`,
      source,
      target: ids[i + 1] ?? 'out',
    })),
  ],
});

/** Graphs whose cloud node dials `host` (llm.openai only when a turn runs; the others at start). */
function graphs(host: string) {
  return {
    'to-realtime': inOut(
      [{ id: 's2s', type: 's2s.openai-realtime', config: { baseUrl: `${host}/v1` } }],
      'to-realtime',
    ),
    'to-deepgram': inOut(
      [{ id: 'stt', type: 'stt.deepgram', config: { baseUrl: host } }],
      'to-deepgram',
    ),
    'to-llm': inOut(
      [
        { id: 'user', type: 'context.user', config: {} },
        { id: 'llm', type: 'llm.openai', config: { baseUrl: `${host}/v1`, maxRetries: 0 } },
        { id: 'assistant', type: 'context.assistant', config: {} },
      ],
      'to-llm',
    ),
  };
}

async function saveGraphs(t: TestServer, host: string): Promise<void> {
  for (const [name, graph] of Object.entries(graphs(host))) {
    const saved = await t.api('POST', '/api/graphs', { name, graph });
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  }
}

async function liveEchoSession(t: TestServer): Promise<{ socket: RawPipecatSocket; id: string }> {
  const socket = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=echo`);
  const id = (
    (await t.api('GET', '/api/sessions')).body as Array<{ id: string; graph: string }>
  ).find((s) => s.graph === 'echo')!.id;
  return { socket, id };
}

describe('endpoints: a graph cannot send the server’s keys to a host the server does not allow', () => {
  const host = new RecordingHost();
  let hostUrl: string;
  let t: TestServer;
  const sockets: RawPipecatSocket[] = [];

  beforeAll(async () => {
    hostUrl = await host.start();
    t = await startTestServer({ env: { ...ENV } });
    await saveGraphs(t, hostUrl);
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await t?.close();
    await host.stop();
  });

  for (const [graph, node, variable] of [
    ['to-realtime', 's2s', 'OPENAI_API_KEY'],
    ['to-deepgram', 'stt', 'DEEPGRAM_API_KEY'],
    ['to-llm', 'llm', 'OPENAI_API_KEY'],
  ]) {
    it(`refuses to start ${graph}, saying which node, key and host, and how to allow it`, async () => {
      const s = await RawPipecatSocket.open(`${t.wsUrl}/ws/pipecat?graph=${graph}`);
      sockets.push(s);
      await waitFor(() => s.closed !== undefined, 3000, 'refusal');
      const error = String(s.messages[0]?.data?.error);
      expect(error).toContain(`node '${node}': baseUrl ${hostUrl}`);
      expect(error).toContain(`is not an endpoint this server sends ${variable} to`);
      expect(error).toContain('add it to PARLEY_ALLOWED_ENDPOINTS');
      expect(error).not.toContain('SECRET');
      expect(s.messages[0]).toMatchObject({ type: 'error', data: { fatal: true } });
      expect(s.closed?.code).toBe(4400);
      expect(t.server.sessions.size).toBe(0);
      expect(host.connections).toBe(0);
      expect(host.requests).toEqual([]);
    });
  }

  it('refuses to move a live call onto such a graph (409), and the call goes on as it was', async () => {
    const { socket, id } = await liveEchoSession(t);
    sockets.push(socket);
    for (const graph of ['to-realtime', 'to-deepgram', 'to-llm']) {
      const moved = await t.api('POST', `/api/sessions/${id}/graph`, { graph });
      expect(moved.status, graph).toBe(409);
      expect((moved.body as { error?: string }).error, graph).toMatch(
        /is not an endpoint this server sends (OPENAI|DEEPGRAM)_API_KEY to/,
      );
    }
    expect((await t.api('GET', `/api/sessions/${id}`)).body).toMatchObject({
      graph: 'echo',
      nodes: ['in', 'ear', 'bot', 'out'],
    });
    socket.rtvi('send-text', { content: 'still here' });
    await socket.waitFor((m) => m.type === 'bot-llm-text');
    expect(host.connections).toBe(0);
    expect(host.requests).toEqual([]);
  });
});

describe('endpoints: the same graphs with the host allowed', () => {
  const host = new RecordingHost();
  let t: TestServer;
  const sockets: RawPipecatSocket[] = [];

  beforeAll(async () => {
    const hostUrl = await host.start();
    t = await startTestServer({
      env: { ...ENV, PARLEY_ALLOWED_ENDPOINTS: `test-host=${hostUrl}` },
    });
    await saveGraphs(t, hostUrl);
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
    host.reset();
  });
  afterAll(async () => {
    await t?.close();
    await host.stop();
  });

  it('start, and their node dials the host with the key', async () => {
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=to-deepgram`);
    sockets.push(s);
    await waitFor(() => host.requests.length > 0, 3000, 'the host to be dialled');
    expect(host.requests[0]).toMatchObject({
      method: 'UPGRADE',
      url: expect.stringMatching(/^\/v1\/listen\?/),
      authorization: `Token ${ENV.DEEPGRAM_API_KEY}`,
    });
  });

  it('a live call moves onto them, and then dials the host', async () => {
    const { socket, id } = await liveEchoSession(t);
    sockets.push(socket);
    const moved = await t.api('POST', `/api/sessions/${id}/graph`, { graph: 'to-realtime' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    await waitFor(() => host.requests.length > 0, 3000, 'the host to be dialled');
    expect(host.requests[0]).toMatchObject({
      method: 'UPGRADE',
      url: expect.stringMatching(/^\/v1\/realtime\?/),
      authorization: `Bearer ${ENV.OPENAI_API_KEY}`,
    });
  });

  it('lists the allowed endpoints per node type, without any key', async () => {
    const types = (await t.api('GET', '/api/node-types')).body as Array<{
      type: string;
      endpoints?: { configKey: string; endpoints: Array<{ name?: string; url: string }> };
    }>;
    const llm = types.find((x) => x.type === 'llm.openai')!;
    expect(llm.endpoints).toMatchObject({
      configKey: 'baseUrl',
      endpoints: [
        { url: 'https://api.openai.com/v1', isDefault: true },
        { name: 'test-host', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) },
      ],
    });
    expect(types.find((x) => x.type === 'stt.deepgram')!.endpoints?.endpoints[0]).toMatchObject({
      url: 'wss://api.deepgram.com',
      isDefault: true,
    });
    expect(types.find((x) => x.type === 'tool.weather')!.endpoints).toBeUndefined();
    expect(JSON.stringify(types)).not.toContain('SECRET');
  });
});
