import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawWebSocket } from './helpers/RawWebSocket.ts';
import { startTestServer, type TestServer } from './helpers/testServer.ts';

/** Sends raw bytes and reads everything until the server closes. */
async function rawRequest(url: string, bytes: string): Promise<string> {
  const socket = await RawWebSocket.openTcp(url);
  return new Promise((resolve, reject) => {
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
    socket.end(bytes);
  });
}

function parse(answer: string): { status: number; contentType: string; body: unknown } {
  const [head, body] = answer.split('\r\n\r\n');
  const status = Number(head.split(' ')[1]);
  const contentType = /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '';
  return { status, contentType, body: JSON.parse(body) };
}

describe("requests Node's HTTP parser refuses get a JSON error, like every other API error", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers a request line past the 16 kB header limit with 431 and { error }', async () => {
    const path = `/api/graphs/echo/versions/${'%F0%9D%84%9E'.repeat(1700)}`;
    const answer = parse(
      await rawRequest(t.url, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
    );
    expect(answer.status).toBe(431);
    expect(answer.contentType).toContain('application/json');
    expect(answer.body).toEqual({ error: expect.stringContaining('HPE_HEADER_OVERFLOW') });
  });

  it('answers a header without a colon with 400 and { error }, and keeps serving', async () => {
    const answer = parse(
      await rawRequest(t.url, 'GET /api/health HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n'),
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: expect.stringContaining('could not be parsed') });
    const health = await fetch(`${t.url}/api/health`);
    expect(health.status).toBe(200);
  });
});
