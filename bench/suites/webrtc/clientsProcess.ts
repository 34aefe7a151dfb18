/**
 * Child process: the voice clients, so their sockets, DTLS/SRTP and Opus work are not
 * counted in the server's CPU, as real clients' would not be (they still share the machine's
 * cores). Driven over IPC by `TransportClients`:
 *
 *   { kind: 'open', transport, baseUrl, graph, n } → { kind: 'opened', connect, failures }
 *   { kind: 'stream', ms }             → { kind: 'streamed', … } (echo tone, `ms` of real time)
 *   { kind: 'talk', warmupMs, windowMs } → { kind: 'talked', … } (speech, see talkLoad.ts)
 *   { kind: 'close' }                  → { kind: 'closed' }
 *   { kind: 'converse', transport, baseUrl, graph, turns } → { kind: 'conversed', … }
 *     (one session of its own, see converse.ts)
 *
 * Microphone audio is encoded once per transport (micPackets.ts); speech is the fixtures
 * tell-me-a-joke.wav and weather-tokyo.wav.
 */
import { readFileSync } from 'node:fs';
import { readWav } from '#engine';
import { MicTicker } from './ClientMic.ts';
import { type ConversationResult, converse } from './converse.ts';
import { echoCycle } from './echoCycle.ts';
import { encodeUtterance, silencePacket, type Utterance } from './micPackets.ts';
import { type TalkResult, talk } from './talkLoad.ts';
import {
  type ConnectTiming,
  openClient,
  type Transport,
  type VoiceClient,
} from './voiceClients.ts';

export type { ConnectTiming, Transport };

export type ClientsRequest =
  | { kind: 'open'; transport: Transport; baseUrl: string; graph: string; n: number }
  | { kind: 'stream'; ms: number }
  | { kind: 'talk'; warmupMs: number; windowMs: number }
  | { kind: 'close' }
  | { kind: 'converse'; transport: Transport; baseUrl: string; graph: string; turns: number };

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
  | ({ kind: 'talked' } & TalkResult)
  | ({ kind: 'conversed' } & ConversationResult)
  | { kind: 'closed' };

const FIXTURES = ['tell-me-a-joke.wav', 'weather-tokyo.wav'];

interface Speech {
  utterances: Utterance[];
  silence: Uint8Array;
}
const speech = new Map<Transport, Promise<Speech>>();

/** The fixtures encoded for `transport`, once. */
function speechFor(transport: Transport): Promise<Speech> {
  let ready = speech.get(transport);
  if (!ready) {
    ready = (async () => {
      const utterances = await Promise.all(
        FIXTURES.map((name) => {
          const wav = readWav(readFileSync(`test/fixtures/speech/${name}`), { mixToMono: true });
          return encodeUtterance(transport, wav.samples, wav.sampleRate);
        }),
      );
      return { utterances, silence: await silencePacket(transport) };
    })();
    speech.set(transport, ready);
  }
  return ready;
}

let opened: { transport: Transport; clients: VoiceClient[] } | undefined;

async function open(request: Extract<ClientsRequest, { kind: 'open' }>): Promise<ClientsReply> {
  const { transport, baseUrl, graph, n } = request;
  const results = await Promise.allSettled(
    Array.from({ length: n }, () => openClient(transport, baseUrl, graph)),
  );
  opened = {
    transport,
    clients: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.client] : [])),
  };
  return {
    kind: 'opened',
    connect: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.timing] : [])),
    failures: results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : [])),
  };
}

/** The echo graph's load: one drift-corrected 20 ms tick sends every session's next chunk. */
async function stream(ms: number): Promise<ClientsReply> {
  const { transport, clients } = opened!;
  const cycle = await echoCycle(transport);
  const audioBefore = clients.map((c) => c.receivedAudioMs());
  const turnsBefore = clients.map((c) => c.botTurns());
  const total = Math.round(ms / 20);
  const offsets = clients.map((_, i) => Math.floor((i * cycle.length) / clients.length));
  const t0 = performance.now();
  for (let tick = 0; tick < total; tick++) {
    const due = t0 + (tick + 1) * 20; // the chunk has been fully "captured"
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    clients.forEach((c, i) => {
      c.send(cycle[(tick + offsets[i]) % cycle.length]);
    });
  }
  return {
    kind: 'streamed',
    receivedAudioMs: clients.map((c, i) => c.receivedAudioMs() - audioBefore[i]),
    botTurns: clients.map((c, i) => c.botTurns() - turnsBefore[i]),
    sentChunks: total,
  };
}

async function talkAll(warmupMs: number, windowMs: number): Promise<ClientsReply> {
  const { transport, clients } = opened!;
  const { utterances, silence } = await speechFor(transport);
  return { kind: 'talked', ...(await talk(clients, utterances, silence, warmupMs, windowMs)) };
}

async function close(): Promise<ClientsReply> {
  const clients = opened?.clients ?? [];
  opened = undefined;
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  return { kind: 'closed' };
}

async function conversation(
  request: Extract<ClientsRequest, { kind: 'converse' }>,
): Promise<ClientsReply> {
  const { transport, baseUrl, graph, turns } = request;
  const { utterances, silence } = await speechFor(transport);
  const ticker = new MicTicker();
  ticker.start();
  try {
    const result = await converse(transport, baseUrl, graph, ticker, utterances, silence, turns);
    return { kind: 'conversed', ...result };
  } finally {
    ticker.stop();
  }
}

function handle(request: ClientsRequest): Promise<ClientsReply> {
  switch (request.kind) {
    case 'open':
      return open(request);
    case 'stream':
      return stream(request.ms);
    case 'talk':
      return talkAll(request.warmupMs, request.windowMs);
    case 'close':
      return close();
    case 'converse':
      return conversation(request);
  }
}

process.on('message', (request: ClientsRequest) => {
  void handle(request).then(
    (message) => process.send?.(message),
    (error: unknown) => process.send?.({ kind: 'error', error: String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
