import { OggOpusDecoder } from 'ogg-opus-decoder';
import WebSocket from 'ws';
import { OpusCodec } from '../../audio/opus/OpusCodec.ts';
import type { S2sSession } from '../../services/s2s/S2sProcessor.ts';
import { decodeMessage, encodeMessage } from './moshiProtocol.ts';
import { OggOpusWriter } from './OggOpusWriter.ts';

/** Moshi hears and speaks 24 kHz mono (Mimi's rate), as Ogg/Opus both ways. */
export const MOSHI_RATE = 24000;

/** Its README documents `sampleRate` (libopus decodes at 8–48 kHz); its types lag behind. */
type DecoderOptions = ConstructorParameters<typeof OggOpusDecoder>[0] & { sampleRate: number };

/** Messages are 80 ms of Ogg/Opus or a word piece; anything near this is not Moshi. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface MoshiSocketHandlers {
  /** The bot's audio, decoded, at MOSHI_RATE. */
  onAudio(pcm: Int16Array): void;
  onText(text: string): void;
  /** An error message from the server; the session is not to be trusted after it. */
  onServerError(message: string): void;
  /** The socket closed without `close()` being called. */
  onClosed(code: number, reason: string): void;
}

/**
 * One connection to a Moshi server. Open once the server's handshake has
 * arrived: the reference server sends it only when the model is free (it
 * serves one conversation at a time), so the deadline covers a busy server
 * too. The microphone goes out as one Ogg/Opus stream (headers first, a page
 * per 20 ms packet); the bot's Ogg/Opus stream is decoded as it comes, and
 * everything the server sends is handled in arrival order, since decoding is
 * asynchronous and a word piece must not overtake the audio before it.
 */
export class MoshiSocket implements S2sSession {
  private closing = false;
  private inbound: Promise<void> = Promise.resolve();
  private readonly encoder = new OpusCodec(MOSHI_RATE);
  private readonly writer = new OggOpusWriter((Math.random() * 0x1_0000_0000) >>> 0, MOSHI_RATE);
  private readonly decoder = new OggOpusDecoder({ sampleRate: MOSHI_RATE } as DecoderOptions);
  private pending = new Int16Array(0);

  private constructor(
    private readonly ws: WebSocket,
    private readonly handlers: MoshiSocketHandlers,
  ) {}

  static connect(
    options: { url: string; connectTimeoutMs: number },
    handlers: MoshiSocketHandlers,
  ): Promise<MoshiSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(options.url, {
        handshakeTimeout: options.connectTimeoutMs,
        maxPayload: MAX_MESSAGE_BYTES,
      });
      const socket = new MoshiSocket(ws, handlers);
      let ready = false;
      const fail = (message: string) => {
        if (ready) return;
        ready = true; // settled
        clearTimeout(deadline);
        socket.release();
        ws.terminate();
        reject(new Error(message));
      };
      const deadline = setTimeout(
        () =>
          fail(
            `Moshi server at ${options.url} sent no handshake within ${options.connectTimeoutMs} ms (busy with another conversation?)`,
          ),
        options.connectTimeoutMs,
      );
      ws.on('unexpected-response', (_req, res) =>
        fail(`Moshi connection refused: HTTP ${res.statusCode ?? '?'}`),
      );
      // Kept for the socket's life: an 'error' without a listener would end the process.
      ws.on('error', (error) =>
        fail(`Moshi connection to ${options.url} failed: ${error.message}`),
      );
      ws.on('message', (data, isBinary) => {
        if (!isBinary || !(data instanceof Buffer)) return; // the protocol is binary only
        const message = decodeMessage(data);
        if (!message) return;
        if (!ready) {
          if (message.kind === 'error') fail(`Moshi server refused: ${message.message}`);
          if (message.kind !== 'handshake') return;
          ready = true;
          clearTimeout(deadline);
          ws.send(encodeMessage({ kind: 'audio', data: socket.writer.headers() }));
          resolve(socket);
          return;
        }
        if (message.kind === 'audio') socket.inOrder(() => socket.decode(message.data));
        else if (message.kind === 'text') socket.inOrder(() => handlers.onText(message.text));
        else if (message.kind === 'error')
          socket.inOrder(() => handlers.onServerError(message.message));
        // ping, metadata and control carry nothing the node acts on.
      });
      ws.on('close', (code, reason) => {
        if (!ready) fail(`Moshi connection closed before its handshake (code ${code})`);
        else if (!socket.closing) socket.inOrder(() => handlers.onClosed(code, reason.toString()));
        socket.inOrder(() => socket.release());
      });
    });
  }

  get isOpen(): boolean {
    return !this.closing && this.ws.readyState === WebSocket.OPEN;
  }

  /** Microphone audio at MOSHI_RATE, any length: sent as whole 20 ms Opus packets. */
  sendPcm(pcm: Int16Array): void {
    if (!this.isOpen) return;
    const frame = this.encoder.frameSamples;
    const all = new Int16Array(this.pending.length + pcm.length);
    all.set(this.pending);
    all.set(pcm, this.pending.length);
    let at = 0;
    const pages: Buffer[] = [];
    for (; at + frame <= all.length; at += frame) {
      pages.push(this.writer.packet(this.encoder.encode(all.subarray(at, at + frame)), frame));
    }
    this.pending = all.slice(at);
    if (pages.length > 0)
      this.ws.send(encodeMessage({ kind: 'audio', data: Buffer.concat(pages) }));
  }

  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.ws.close(1000);
  }

  private inOrder(step: () => void | Promise<void>): void {
    this.inbound = this.inbound.then(step).catch((error: unknown) => {
      // A handler or the decoder failed on one message: the stream goes on.
      if (!this.closing) this.handlers.onServerError(`bad message: ${String(error)}`);
    });
  }

  private async decode(data: Uint8Array): Promise<void> {
    if (this.closing && this.ws.readyState !== WebSocket.OPEN) return;
    await this.decoder.ready;
    const { channelData, samplesDecoded } = await this.decoder.decode(data);
    const mono = channelData[0];
    if (!mono || samplesDecoded === 0) return;
    const pcm = new Int16Array(samplesDecoded);
    for (let i = 0; i < samplesDecoded; i++) {
      const s = Math.max(-1, Math.min(1, mono[i]!));
      pcm[i] = Math.round(s * 32767);
    }
    this.handlers.onAudio(pcm);
  }

  private released = false;

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.encoder.destroy();
    this.decoder.free();
  }
}
