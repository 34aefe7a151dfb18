/**
 * Bytes on the HTTP port that are not a well-formed request: garbage, broken
 * request lines, headers too large, conflicting lengths, broken chunked
 * encoding. Node's parser should answer a 4xx (400, 431) or just close; the
 * app must never see them as something to 500 on.
 */
import { RawWebSocket } from '../../server/helpers/RawWebSocket.ts';
import type { CaseKind, CaseResult } from '../FuzzCase.ts';
import { preview } from '../FuzzCase.ts';
import type { Rng } from '../Rng.ts';

const WAIT_MS = 3000;

function malformedRequest(rng: Rng): { name: string; bytes: Buffer } {
  const variants: Array<[string, () => string | Buffer]> = [
    ['random bytes', () => Buffer.from(rng.bytes(rng.int(1, 3000)))],
    ['request line without a version', () => 'GET /api/health\r\n\r\n'],
    [
      'request line with a bogus version',
      () => 'GET /api/health HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n',
    ],
    ['header without a colon', () => 'GET /api/health HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n'],
    [
      'header with a NUL',
      () => 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\u0000b\r\n\r\n',
    ],
    [
      '32 kB header',
      () =>
        `GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(32 * 1024)}\r\n\r\n`,
    ],
    [
      'two Content-Lengths that disagree',
      () =>
        'POST /api/graphs/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 9\r\n\r\n{}',
    ],
    [
      'Content-Length and chunked together',
      () =>
        'POST /api/graphs/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    ],
    [
      'broken chunk size',
      () =>
        'POST /api/graphs/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    ],
    [
      'negative Content-Length',
      () =>
        'POST /api/graphs/validate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}',
    ],
    ['bare LF line endings', () => 'GET /api/health HTTP/1.1\nHost: 127.0.0.1\n\n'],
    [
      'absolute-form URI to another host',
      () => 'GET http://evil.example/api/health HTTP/1.1\r\nHost: evil.example\r\n\r\n',
    ],
  ];
  const [name, build] = rng.pick(variants);
  const built = build();
  return { name, bytes: Buffer.isBuffer(built) ? built : Buffer.from(built, 'latin1') };
}

export function rawHttpKinds(): CaseKind[] {
  return [
    {
      name: 'malformed-http-request',
      make(rng) {
        const { name, bytes } = malformedRequest(rng);
        return {
          title: `${name} (${bytes.length} bytes)`,
          async run(ctx): Promise<CaseResult> {
            const socket = await RawWebSocket.openTcp(ctx.server.url);
            let received = '';
            const closed = new Promise<string>((resolve) => {
              socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
              socket.on('error', (error: NodeJS.ErrnoException) =>
                resolve(`connection error ${error.code ?? error.message}`),
              );
              socket.on('close', () => resolve('connection closed'));
              setTimeout(() => resolve(`still open after ${WAIT_MS} ms`), WAIT_MS);
            });
            socket.write(bytes);
            const how = await closed;
            socket.destroy();
            const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1] ?? 0);
            const outcome = status ? `HTTP ${status}; ${how}` : `no answer; ${how}`;
            const problems = status >= 500 ? [`answered ${status}: ${preview(received, 200)}`] : [];
            return { outcome, problems };
          },
        };
      },
    },
  ];
}
