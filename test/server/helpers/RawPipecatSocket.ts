import { WebSocket } from 'ws';
import { decodePcm16 } from '../../../server/transports/decodePcm16.ts';
import {
  decodePipecatFrame,
  encodeAudioFrame,
  encodeMessageFrame,
} from '../../../server/transports/pipecat/pipecatFrames.ts';

export interface RtviIn {
  label: string;
  type: string;
  id: string;
  data?: Record<string, unknown>;
}

/** A bare protocol-level client for /ws/pipecat: sends whatever bytes a test wants, decodes what comes back. */
export class RawPipecatSocket {
  readonly messages: RtviIn[] = [];
  readonly audio: Array<{ at: number; samples: Int16Array }> = [];
  closed: { code: number; reason: string } | undefined;
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      const frame = decodePipecatFrame(new Uint8Array(data));
      if (frame.kind === 'message') this.messages.push(JSON.parse(frame.data) as RtviIn);
      else if (frame.kind === 'audio')
        this.audio.push({ at: Date.now(), samples: decodePcm16(frame.audio) });
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<RawPipecatSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const socket = new RawPipecatSocket(ws);
      ws.once('open', () => resolve(socket));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  /** Opens and waits for bot-ready. */
  static async ready(url: string): Promise<RawPipecatSocket> {
    const socket = await RawPipecatSocket.open(url);
    const id = socket.rtvi('client-ready', { version: '2.1.0', about: { library: 'raw-test' } });
    await socket.waitFor((m) => m.type === 'bot-ready' && m.id === id);
    return socket;
  }

  rtvi(type: string, data?: unknown, id = `c${this.nextId++}`): string {
    this.send(encodeMessageFrame({ label: 'rtvi-ai', type, id, data }));
    return id;
  }

  sendAudio(samples: Int16Array, sampleRate = 16000): void {
    this.send(encodeAudioFrame(samples, sampleRate));
  }

  send(data: Uint8Array | string): void {
    this.ws.send(data, { binary: typeof data !== 'string' });
  }

  count(type: string): number {
    return this.messages.filter((m) => m.type === type).length;
  }

  async waitFor(match: (m: RtviIn) => boolean, timeoutMs = 3000, from = 0): Promise<RtviIn> {
    const start = Date.now();
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (this.closed)
        throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting`);
      if (Date.now() - start > timeoutMs)
        throw new Error(`timed out; got ${this.messages.map((m) => m.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
