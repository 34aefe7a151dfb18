import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** What Node's parser found wrong, as the status a client should get. */
function statusFor(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431; // request line + headers past 16 kB
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/**
 * The `clientError` handler: a request Node's HTTP parser refused (broken
 * framing, oversized request line or headers, a slowloris timeout) never
 * reaches the routes, so Node would answer it with a bare status line. Answer
 * it like every other API error instead, `{ error }` in JSON naming what was
 * wrong, and close: the connection's framing can no longer be trusted.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = statusFor(error.code);
  const body = JSON.stringify({
    error: `${STATUS_CODES[status]}: the request could not be parsed (${error.code ?? error.message})`,
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
