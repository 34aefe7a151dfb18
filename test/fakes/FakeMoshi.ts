import http from 'node:http';
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { type WebSocket, WebSocketServer } from 'ws';
import { OpusCodec } from '../../engine/audio/opus/OpusCodec.ts';
import { decodeMessage, encodeMessage } from '../../engine/providers/moshi/moshiProtocol.ts';
import { OggOpusWriter } from '../../engine/providers/moshi/OggOpusWriter.ts';
import { listenOnLoopback } from './loopbackServer.ts';

export const MOSHI_PATH = '/api/chat';
const RATE = 24000;
/** Moshi's step: 80 ms of audio, then the word piece of that step. */
const STEP = 1920;

/** What Moshi says when it hears the user: word pieces over a tone, then silence. */
export interface MoshiReply {
  words: string[];
  /** Tone steps (80 ms each) per word. */
  stepsPerWord?: number;
  /** Real-time wait between steps (ms), so a test can act mid-reply. */
  stepDelayMs?: number;
  /** Silent steps after the words, as Moshi keeps streaming. */
  silentSteps?: number;
}

export interface MoshiSession {
  socket: WebSocket;
  /** Samples (24 kHz) decoded from the client's Ogg/Opus stream, and their energy. */
  samples: number;
  loudSamples: number;
  /** Peak of the decoded input. */
  peak: number;
  replied: boolean;
}

/**
 * A local Moshi server: the binary protocol on /api/chat. It sends the
 * handshake (protocol 0, model 1) and a ping, decodes the client's Ogg/Opus
 * for real (so a test can check what it heard), and — full duplex — starts
 * speaking while the user still talks, as soon as it hears speech: Ogg/Opus
 * tone encoded with libopus and the engine's muxer, a word piece per step.
 * Errors and dropped sockets on demand.
 */
export class FakeMoshi {
  readonly sessions: MoshiSession[] = [];
  private readonly server = http.createServer((_req, res) => res.writeHead(404).end());
  private readonly wss = new WebSocketServer({ noServer: true });

  constructor(private readonly reply: MoshiReply) {
    this.server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => {});
      if (req.url !== MOSHI_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  async start(): Promise<string> {
    return `ws://127.0.0.1:${await listenOnLoopback(this.server)}${MOSHI_PATH}`;
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise((resolve) => this.server.close(resolve));
  }

  sendError(session: MoshiSession, message: string): void {
    session.socket.send(encodeMessage({ kind: 'error', message }));
  }

  drop(session: MoshiSession): void {
    session.socket.terminate();
  }

  private accept(ws: WebSocket): void {
    const session: MoshiSession = {
      socket: ws,
      samples: 0,
      loudSamples: 0,
      peak: 0,
      replied: false,
    };
    this.sessions.push(session);
    const decoder = new OggOpusDecoder({ sampleRate: RATE } as never);
    let inbound = Promise.resolve();
    ws.on('message', (data: Buffer) => {
      const message = decodeMessage(data);
      if (message?.kind !== 'audio') return;
      inbound = inbound.then(async () => {
        await decoder.ready;
        const { channelData, samplesDecoded } = await decoder.decode(message.data);
        const mono = channelData[0] ?? new Float32Array(0);
        for (let i = 0; i < samplesDecoded; i++) {
          const level = Math.abs(mono[i]!);
          session.peak = Math.max(session.peak, level);
          if (level > 0.05) session.loudSamples++;
        }
        session.samples += samplesDecoded;
        if (!session.replied && session.loudSamples > RATE * 0.1) {
          session.replied = true;
          void this.speak(session);
        }
      });
    });
    ws.on('close', () => void inbound.then(() => decoder.free()));
    ws.send(encodeMessage({ kind: 'handshake', protocolVersion: 0, modelVersion: 1 }));
    ws.send(encodeMessage({ kind: 'ping' }));
  }

  private async speak(session: MoshiSession): Promise<void> {
    const { words, stepsPerWord = 2, stepDelayMs = 5, silentSteps = 15 } = this.reply;
    const encoder = new OpusCodec(RATE);
    const writer = new OggOpusWriter(7, RATE);
    const send = (bytes: Uint8Array) => {
      if (session.socket.readyState === session.socket.OPEN)
        session.socket.send(encodeMessage({ kind: 'audio', data: bytes }));
    };
    send(writer.headers());
    let t = 0;
    const step = (loud: boolean) => {
      const pages: Buffer[] = [];
      for (let f = 0; f < STEP; f += encoder.frameSamples) {
        const pcm = new Int16Array(encoder.frameSamples);
        for (let i = 0; i < pcm.length; i++, t++)
          pcm[i] = loud ? Math.round(8000 * Math.sin((2 * Math.PI * 440 * t) / RATE)) : 0;
        pages.push(writer.packet(encoder.encode(pcm), pcm.length));
      }
      send(Buffer.concat(pages));
    };
    const pause = () => new Promise((resolve) => setTimeout(resolve, stepDelayMs));
    try {
      for (const word of words) {
        session.socket.send(encodeMessage({ kind: 'text', text: word }));
        for (let s = 0; s < stepsPerWord; s++) {
          step(true);
          await pause();
        }
      }
      for (let s = 0; s < silentSteps; s++) {
        step(false);
        await pause();
      }
    } finally {
      encoder.destroy();
    }
  }
}
