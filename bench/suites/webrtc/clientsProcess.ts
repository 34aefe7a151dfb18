/**
 * Child process: N voice clients of one transport, so their sockets, DTLS/SRTP and Opus
 * work are not counted in the server's CPU, as real clients' would not be. Driven over IPC
 * by `TransportClients` (webrtcCost.ts):
 *
 *   { kind: 'open', transport, baseUrl, n }  → { kind: 'opened', connect, failures }
 *   { kind: 'stream', ms }                   → { kind: 'streamed', … } after `ms` of real time
 *   { kind: 'close' }                        → { kind: 'closed' }
 *
 * `ws`: Pipecat's WebSocket serializer on `/ws/pipecat`, 16 kHz PCM in 20 ms frames.
 * `webrtc`: the werift client that behaves like Pipecat's SmallWebRTC client
 * (test/server/webrtc/smallWebRtcClient.ts), 48 kHz Opus RTP, one packet per 20 ms.
 * The microphone says a 500 ms tone every 2.5 s (the echo graph's ear hears it, the bot
 * answers with 1.5 s of tone); session i starts its cycle i/N of the way in, so the
 * turns are spread over time as independent users' would be.
 */
import { RtpHeader, RtpPacket } from 'werift';
import { WebSocket } from 'ws';
import {
  decodePipecatFrame,
  encodeAudioFrame,
  encodeMessageFrame,
} from '../../../server/transports/pipecat/pipecatFrames.ts';
import { OPUS_FRAME, OpusCodec } from '../../../server/transports/webrtc/OpusCodec.ts';
import { SmallWebRtcClient } from '../../../test/server/webrtc/smallWebRtcClient.ts';

export type Transport = 'ws' | 'webrtc';

export type ClientsRequest =
  | { kind: 'open'; transport: Transport; baseUrl: string; n: number }
  | { kind: 'stream'; ms: number }
  | { kind: 'close' };

export interface ConnectTiming {
  /** Start of connect → bot-ready, ms. */
  readyMs: number;
  /** WebRTC only: start → answer applied (offer POST answered), ms. */
  answerMs?: number;
  /** WebRTC only: start → data channel open, ms. */
  channelOpenMs?: number;
}

export type ClientsReply =
  | { kind: 'opened'; connect: ConnectTiming[]; failures: string[] }
  | {
      kind: 'streamed';
      /** Bot audio received per session, ms of audio (WS: PCM samples; WebRTC: 20 ms packets). */
      receivedAudioMs: number[];
      /** bot-started-speaking messages per session during the stream. */
      botTurns: number[];
      /** Mic chunks sent per session. */
      sentChunks: number;
    }
  | { kind: 'closed' };

const CHUNK_MS = 20;
const CYCLE_MS = 2500;
const TALK_MS = 500;
const CYCLE_CHUNKS = CYCLE_MS / CHUNK_MS;

function micCycle(rate: number): Int16Array[] {
  const perChunk = (rate * CHUNK_MS) / 1000;
  const chunks: Int16Array[] = [];
  for (let c = 0; c < CYCLE_CHUNKS; c++) {
    const chunk = new Int16Array(perChunk);
    if (c * CHUNK_MS < TALK_MS)
      for (let i = 0; i < perChunk; i++)
        chunk[i] = Math.round(8000 * Math.sin((2 * Math.PI * 300 * (c * perChunk + i)) / rate));
    chunks.push(chunk);
  }
  return chunks;
}

/** The 16 kHz cycle as Pipecat audio frames, encoded once. */
const wsCycle = micCycle(16000).map((chunk) => encodeAudioFrame(chunk, 16000));

/** The 48 kHz cycle as Opus payloads, encoded once (a browser encodes; that is not our cost). */
const opusCycle = (() => {
  const codec = new OpusCodec();
  const payloads = micCycle(48000).map((chunk) => Buffer.from(codec.encode(chunk)));
  codec.destroy();
  return payloads;
})();

interface Session {
  send(chunk: number): void;
  receivedAudioMs(): number;
  botTurns(): number;
  close(): Promise<void>;
}

function openWs(baseUrl: string): Promise<{ session: Session; timing: ConnectTiming }> {
  const t0 = performance.now();
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/pipecat?graph=echo`);
  let samples = 0;
  let rate = 16000;
  let turns = 0;
  const session: Session = {
    send: (chunk) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(wsCycle[chunk]);
    },
    receivedAudioMs: () => (samples / rate) * 1000,
    botTurns: () => turns,
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
  return new Promise((resolve, reject) => {
    ws.on('open', () =>
      ws.send(
        encodeMessageFrame({ label: 'rtvi-ai', type: 'client-ready', id: 'ready', data: {} }),
      ),
    );
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) return;
      const frame = decodePipecatFrame(new Uint8Array(data));
      if (frame.kind === 'audio') {
        samples += frame.audio.byteLength / 2 / Math.max(1, frame.numChannels);
        rate = frame.sampleRate;
        return;
      }
      if (frame.kind !== 'message') return;
      const message = JSON.parse(frame.data) as { type?: string; data?: { error?: string } };
      if (message.type === 'bot-started-speaking') turns++;
      if (message.type === 'bot-ready')
        resolve({ session, timing: { readyMs: performance.now() - t0 } });
      if (message.type === 'error') reject(new Error(message.data?.error ?? 'error'));
    });
    ws.on('error', reject);
    ws.on('close', (code) => reject(new Error(`closed ${code}`)));
  });
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function openWebRtc(baseUrl: string): Promise<{ session: Session; timing: ConnectTiming }> {
  const client = new SmallWebRtcClient({ url: baseUrl, graph: 'echo' });
  const t0 = performance.now();
  let channelOpenMs: number | undefined;
  client.channel?.stateChanged.subscribe((state) => {
    if (state !== 'open') return;
    channelOpenMs = performance.now() - t0;
    client.rtvi('client-ready', {});
  });
  const { status, body } = await client.connect();
  if (status !== 200) throw new Error(`offer answered ${status}: ${JSON.stringify(body)}`);
  const answerMs = performance.now() - t0;
  await until(() => client.messages.some((m) => m.type === 'bot-ready'), 15_000, 'bot-ready');
  const readyMs = performance.now() - t0;
  let sequenceNumber = Math.floor(Math.random() * 0x10000);
  let timestamp = Math.floor(Math.random() * 0x100000000);
  let sent = 0;
  const session: Session = {
    send: (chunk) => {
      const header = new RtpHeader({
        payloadType: 111,
        sequenceNumber,
        timestamp,
        marker: sent === 0,
      });
      sequenceNumber = (sequenceNumber + 1) & 0xffff;
      timestamp = (timestamp + OPUS_FRAME) >>> 0;
      sent++;
      client.micTrack.writeRtp(new RtpPacket(header, opusCycle[chunk]));
    },
    receivedAudioMs: () => client.rtp.length * CHUNK_MS,
    botTurns: () => client.messages.filter((m) => m.type === 'bot-started-speaking').length,
    close: () => client.close(),
  };
  return { session, timing: { readyMs, answerMs, channelOpenMs } };
}

let sessions: Session[] = [];

async function open(transport: Transport, baseUrl: string, n: number): Promise<ClientsReply> {
  const results = await Promise.allSettled(
    Array.from({ length: n }, () => (transport === 'ws' ? openWs(baseUrl) : openWebRtc(baseUrl))),
  );
  sessions = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.session] : []));
  return {
    kind: 'opened',
    connect: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.timing] : [])),
    failures: results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : [])),
  };
}

/** One drift-corrected 20 ms tick sends every session's next chunk. */
async function stream(ms: number): Promise<ClientsReply> {
  const audioBefore = sessions.map((s) => s.receivedAudioMs());
  const turnsBefore = sessions.map((s) => s.botTurns());
  const total = Math.round(ms / CHUNK_MS);
  const offsets = sessions.map((_, i) => Math.floor((i * CYCLE_CHUNKS) / sessions.length));
  const t0 = performance.now();
  for (let tick = 0; tick < total; tick++) {
    const due = t0 + (tick + 1) * CHUNK_MS; // the chunk has been fully "captured"
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    sessions.forEach((s, i) => {
      s.send((tick + offsets[i]) % CYCLE_CHUNKS);
    });
  }
  return {
    kind: 'streamed',
    receivedAudioMs: sessions.map((s, i) => s.receivedAudioMs() - audioBefore[i]),
    botTurns: sessions.map((s, i) => s.botTurns() - turnsBefore[i]),
    sentChunks: total,
  };
}

async function close(): Promise<ClientsReply> {
  await Promise.all(sessions.splice(0).map((s) => s.close().catch(() => undefined)));
  return { kind: 'closed' };
}

process.on('message', (request: ClientsRequest) => {
  const reply =
    request.kind === 'open'
      ? open(request.transport, request.baseUrl, request.n)
      : request.kind === 'stream'
        ? stream(request.ms)
        : close();
  void reply.then(
    (message) => process.send?.(message),
    (error: unknown) => process.send?.({ kind: 'error', error: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
