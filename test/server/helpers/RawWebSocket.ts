/**
 * A WebSocket client over a plain `net` socket: the HTTP upgrade done by hand
 * (RFC 6455 §4), then any bytes the test wants to write, while whatever the
 * server sends back is read frame by frame. Records how the server treated
 * the connection — the messages it sent, the code of its close frame, or a
 * TCP end/reset without one — and never throws on a broken socket: a broken
 * socket is what these tests provoke.
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import {
  type ClientFrame,
  closePayload,
  encodeClientFrame,
  Opcode,
  type ServerFrame,
  ServerFrameReader,
} from './RawWebSocketFrames.ts';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface ServerMessage {
  binary: boolean;
  data: Buffer;
}

/** The upgrade was refused: the server answered with this HTTP status instead of 101 (0: no answer at all). */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: number,
    readonly response: string,
  ) {
    super(
      status === 0
        ? `no HTTP answer to the upgrade (${response})`
        : `upgrade refused with HTTP ${status}`,
    );
    this.name = 'UpgradeRefused';
  }
}

export interface UpgradeOptions {
  /** Extra or replacing request headers (a null value drops the header). */
  headers?: Record<string, string | null>;
  timeoutMs?: number;
}

export class RawWebSocket {
  readonly messages: ServerMessage[] = [];
  /** The server's close frame, if it sent one. */
  closeFrame: { code: number | undefined; reason: string } | undefined;
  /** Frames the server should never send a client (masked, reserved bits or opcodes). */
  readonly serverViolations: string[] = [];
  /** The TCP connection is gone (ended or reset), and how. */
  tcpClosed: { how: 'end' | 'reset' | 'local-destroy'; error?: string } | undefined;
  private readonly reader = new ServerFrameReader();
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;
  private readonly waiters = new Set<() => void>();
  private localDestroy = false;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (bytes: Buffer) => this.onFrames(this.reader.push(bytes)));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.tcpClosed ??= { how: 'reset', error: error.code ?? error.message };
      this.wake();
    });
    socket.on('close', () => {
      this.tcpClosed ??= { how: this.localDestroy ? 'local-destroy' : 'end' };
      this.wake();
    });
  }

  /** Connects and upgrades `url` (http:// or ws://, path and query included); rejects with UpgradeRefused when the answer is not 101. */
  static async connect(url: string, options: UpgradeOptions = {}): Promise<RawWebSocket> {
    const target = new URL(url);
    const key = randomBytes(16).toString('base64');
    const headers: Record<string, string | null> = {
      Host: target.host,
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': key,
      'Sec-WebSocket-Version': '13',
      ...options.headers,
    };
    const lines = Object.entries(headers)
      .filter((entry): entry is [string, string] => entry[1] !== null)
      .map(([name, value]) => `${name}: ${value}`);
    const request = `GET ${target.pathname}${target.search} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
    const socket = await openSocket(target);
    const head = await readHttpHead(socket, request, options.timeoutMs ?? 5000);
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head.text)?.[1] ?? 0);
    if (status !== 101) {
      socket.destroy();
      throw new UpgradeRefused(status, head.text.slice(0, 200));
    }
    const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(head.text)?.[1];
    const expected = createHash('sha1')
      .update(key + WEBSOCKET_GUID)
      .digest('base64');
    if (accept !== expected) {
      socket.destroy();
      throw new Error(
        `server answered 101 with Sec-WebSocket-Accept '${accept}', expected '${expected}'`,
      );
    }
    const ws = new RawWebSocket(socket);
    if (head.rest.length > 0) ws.onFrames(ws.reader.push(head.rest));
    return ws;
  }

  /** A TCP connection to the server's host and port and nothing else: for half-open and raw-HTTP cases. */
  static openTcp(url: string): Promise<net.Socket> {
    return openSocket(new URL(url));
  }

  get isClosed(): boolean {
    return this.tcpClosed !== undefined || this.closeFrame !== undefined;
  }

  /** Writes raw bytes; a write to a socket the server already dropped is silently lost. */
  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(bytes);
  }

  sendFrame(frame: ClientFrame): void {
    this.write(encodeClientFrame(frame));
  }

  sendText(text: string): void {
    this.sendFrame({ opcode: Opcode.text, payload: Buffer.from(text, 'utf8') });
  }

  sendBinary(bytes: Uint8Array): void {
    this.sendFrame({ opcode: Opcode.binary, payload: bytes });
  }

  /** Sends our close frame and ends our side, as a polite client does. */
  close(code = 1000): void {
    this.sendFrame({ opcode: Opcode.close, payload: closePayload(code) });
    this.socket.end();
  }

  /** Half-closes our side without a close frame (TCP FIN). */
  endTcp(): void {
    this.socket.end();
  }

  /** Abrupt TCP reset (RST), mid-frame or wherever the test is. */
  reset(): void {
    this.localDestroy = true;
    this.socket.resetAndDestroy();
  }

  destroy(): void {
    this.localDestroy = true;
    this.socket.destroy();
  }

  /** Resolves with the first message from index `from` on that matches, or undefined on timeout or close. */
  async waitForMessage(
    match: (m: ServerMessage) => boolean,
    timeoutMs: number,
    from = 0,
  ): Promise<ServerMessage | undefined> {
    const find = () => this.messages.slice(from).find(match);
    await this.waitUntil(() => find() !== undefined || this.isClosed, timeoutMs);
    return find();
  }

  /** Resolves once the server closed the connection (close frame or TCP), or after `timeoutMs`. */
  async waitClosed(timeoutMs: number): Promise<boolean> {
    await this.waitUntil(() => this.isClosed, timeoutMs);
    return this.isClosed;
  }

  waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve();
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private wake(): void {
    for (const check of [...this.waiters]) check();
  }

  private onFrames(frames: ServerFrame[]): void {
    for (const frame of frames) this.onFrame(frame);
    if (frames.length > 0) this.wake();
  }

  private onFrame(frame: ServerFrame): void {
    if (frame.masked) this.serverViolations.push('masked server frame');
    if (frame.rsv !== 0) this.serverViolations.push(`server frame with RSV bits ${frame.rsv}`);
    switch (frame.opcode) {
      case Opcode.close: {
        const code = frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : undefined;
        this.closeFrame ??= { code, reason: frame.payload.subarray(2).toString('utf8') };
        // Answer the close, as RFC 6455 §5.5.1 asks, so the server can finish its closing handshake.
        if (!this.socket.destroyed && this.socket.writable) {
          this.socket.write(
            encodeClientFrame({
              opcode: Opcode.close,
              payload: code === undefined ? undefined : closePayload(code),
            }),
          );
          this.socket.end();
        }
        return;
      }
      case Opcode.ping:
        this.sendFrame({ opcode: Opcode.pong, payload: frame.payload });
        return;
      case Opcode.pong:
        return;
      case Opcode.text:
      case Opcode.binary:
        this.fragmentOpcode = frame.opcode;
        this.fragments = [frame.payload];
        break;
      case Opcode.continuation:
        this.fragments.push(frame.payload);
        break;
      default:
        this.serverViolations.push(`server frame with reserved opcode ${frame.opcode}`);
        return;
    }
    if (!frame.fin) return;
    this.messages.push({
      binary: this.fragmentOpcode === Opcode.binary,
      data: Buffer.concat(this.fragments),
    });
    this.fragments = [];
  }
}

function openSocket(target: URL): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: target.hostname, port: Number(target.port) });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Sends the upgrade request and reads the HTTP answer's head; bytes after it are the first frames. */
function readHttpHead(
  socket: net.Socket,
  request: string,
  timeoutMs: number,
): Promise<{ text: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const finish = (error?: Error, head?: { text: string; rest: Buffer }) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onEnd);
      socket.off('close', onEnd);
      if (head) resolve(head);
      else reject(error);
    };
    const onData = (bytes: Buffer) => {
      received = Buffer.concat([received, bytes]);
      const end = received.indexOf('\r\n\r\n');
      if (end >= 0)
        finish(undefined, {
          text: received.subarray(0, end).toString('latin1'),
          rest: received.subarray(end + 4),
        });
    };
    const onEnd = (error?: unknown) => {
      const text = received.toString('latin1');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      finish(
        new UpgradeRefused(
          status,
          text.slice(0, 200) || (error instanceof Error ? error.message : 'connection closed'),
        ),
      );
    };
    const timer = setTimeout(() => {
      socket.destroy();
      finish(new UpgradeRefused(0, `no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', onData);
    socket.on('error', onEnd);
    socket.on('close', onEnd);
    socket.write(request);
  });
}
