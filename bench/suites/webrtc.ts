/**
 * `npm run bench webrtc`: what a WebRTC session costs the server (issue 14), side by side
 * with the same graph over `/ws/pipecat` in the same run. A real server (`createServer`) on
 * the echo graph (an energy "ear" and a bot that answers each utterance with 1.5 s of
 * tone: a few µs of work per 20 ms frame, so the figures are the transport's); N = 1, 8, 16
 * clients in a child process (`webrtc/clientsProcess.ts`) stream microphone audio in real
 * time — 16 kHz PCM over the WebSocket, 48 kHz Opus RTP over WebRTC — and receive the bot's
 * audio. Over a 10 s window after 1 s of streaming: this process's CPU (all threads) ÷
 * (N × seconds), and RSS growth from before the sessions opened to the end of the window
 * (both after a full GC) ÷ N. bench/README.md "The webrtc suite".
 */
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '#engine';
import { createServer, type ParleyServer } from '../../server/createServer.ts';
import { echoRegistry } from '../../test/server/helpers/echoBotNodes.ts';
import { median, percentile, writeResults } from '../lib/results.ts';
import { collectGarbage, machineBusyMs, processCpuMs } from './latency/processMeasures.ts';
import type { ConnectTiming, Transport } from './webrtc/clientsProcess.ts';
import { TransportClients } from './webrtc/TransportClients.ts';

const ECHO_GRAPH = path.resolve(import.meta.dirname, '../../test/fixtures/graphs/echo.json');
const STEPS = [1, 8, 16];
const WARM_UP_MS = 1000;
const WINDOW_MS = 10_000;

interface RunResult {
  transport: Transport;
  n: number;
  cpuMsPerSessionSec: number;
  memPerSessionMb: number;
  /** V8 heap + external (ArrayBuffers, WASM memory) growth after GC ÷ N, MB. */
  heapPerSessionMb: number;
  connect: ConnectTiming[];
  /** Other programs' CPU on the machine during the window, % of one core. */
  othersPct: number;
  clientsPct: number;
}

async function startServer(): Promise<{ server: ParleyServer; url: string; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-webrtc-bench-'));
  await cp(ECHO_GRAPH, path.join(dir, 'echo.json'));
  const server = createServer({
    registry: echoRegistry(),
    graphsDir: dir,
    env: {},
    logger: silentLogger,
    editorDir: path.join(dir, 'no-editor'),
    watch: false,
  });
  const { url } = await server.listen(0, '127.0.0.1');
  return { server, url, dir };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** The middle value, or the mean of the middle two (median() takes the lower one). */
const middle = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
};
const heapMb = () => {
  const { heapUsed, external } = process.memoryUsage();
  return (heapUsed + external) / 1024 / 1024;
};
const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

async function run(
  server: ParleyServer,
  url: string,
  clients: TransportClients,
  transport: Transport,
  n: number,
  windowMs: number,
  log: (line: string) => void,
): Promise<RunResult> {
  collectGarbage();
  const rss0 = process.memoryUsage.rss();
  const heap0 = heapMb();
  const opened = await clients.request({ kind: 'open', transport, baseUrl: url, n }, 'opened');
  if (opened.failures.length > 0)
    log(`    ${transport} ×${n}: ${opened.failures.length} failed: ${opened.failures[0]}`);
  const streamed = clients.request({ kind: 'stream', ms: WARM_UP_MS + windowMs }, 'streamed');
  await sleep(WARM_UP_MS);
  const t0 = performance.now();
  const cpu0 = cpuMs();
  const busy0 = machineBusyMs();
  const child0 = processCpuMs(clients.pid);
  await sleep(windowMs);
  const seconds = (performance.now() - t0) / 1000;
  const serverMs = cpuMs() - cpu0;
  const childMs = processCpuMs(clients.pid) - child0;
  const othersMs = Math.max(0, machineBusyMs() - busy0 - serverMs - childMs);
  collectGarbage();
  const rss1 = process.memoryUsage.rss();
  const heap1 = heapMb();
  const { receivedAudioMs, botTurns } = await streamed;
  await clients.request({ kind: 'close' }, 'closed');
  const closeStart = performance.now();
  while (server.sessions.size > 0 && performance.now() - closeStart < 5000) await sleep(20);
  if (server.sessions.size > 0) log(`    ${server.sessions.size} sessions still open after 5 s`);
  await sleep(300);
  const sessions = opened.connect.length;
  const result: RunResult = {
    transport,
    n: sessions,
    cpuMsPerSessionSec: serverMs / (sessions * seconds),
    memPerSessionMb: (rss1 - rss0) / 1024 / 1024 / sessions,
    heapPerSessionMb: (heap1 - heap0) / sessions,
    connect: opened.connect,
    othersPct: (othersMs / (seconds * 1000)) * 100,
    clientsPct: (childMs / (seconds * 1000)) * 100,
  };
  const ready = opened.connect.map((c) => c.readyMs);
  const phases =
    transport === 'webrtc'
      ? ` (answer ${round(median(opened.connect.map((c) => c.answerMs ?? NaN)))}, channel open ${round(median(opened.connect.map((c) => c.channelOpenMs ?? NaN)))})`
      : '';
  log(
    `    ${transport.padEnd(6)} ×${String(sessions).padStart(2)}: ${round(result.cpuMsPerSessionSec, 2)} ms CPU per session-second` +
      ` (server ${round((serverMs / (seconds * 1000)) * 100)} % of a core), ${round(result.memPerSessionMb, 2)} MB RSS/session (heap + external ${round(result.heapPerSessionMb, 2)} MB),` +
      ` bot-ready p50 ${round(percentile(ready, 50))} ms p95 ${round(percentile(ready, 95))} ms${phases};` +
      ` ${transport === 'ws' ? 'bot audio' : 'audio packets (silence too)'} received ${round(median(receivedAudioMs) / 1000, 2)} s/session, turns ${median(botTurns)}/session;` +
      ` clients ${round(result.clientsPct)} %, others ${round(result.othersPct)} %`,
  );
  return result;
}

export async function runWebRtcBench(): Promise<Record<string, number>> {
  const log = (line: string) => console.log(line);
  const { server, url, dir } = await startServer();
  const clients = new TransportClients();
  try {
    log('webrtc: cost per session, echo graph, /ws/pipecat (16 kHz PCM) vs WebRTC (48 kHz Opus)');
    // Warm-up: modules, JIT, the Opus WASM, werift's crypto; not counted.
    for (const transport of ['ws', 'webrtc'] as const)
      await run(server, url, clients, transport, 2, 2000, (line) => log(`  warm-up${line}`));
    const results: RunResult[] = [];
    for (const n of STEPS)
      for (const transport of ['ws', 'webrtc'] as const)
        results.push(await run(server, url, clients, transport, n, WINDOW_MS, log));
    // The largest step once more, the other way round, for a median of two.
    const largest = STEPS[STEPS.length - 1];
    for (const transport of ['webrtc', 'ws'] as const)
      results.push(await run(server, url, clients, transport, largest, WINDOW_MS, log));
    const at = (transport: Transport) =>
      results.filter((r) => r.transport === transport && r.n === largest);
    const cpu = (transport: Transport) => middle(at(transport).map((r) => r.cpuMsPerSessionSec));
    const mem = (transport: Transport) => middle(at(transport).map((r) => r.memPerSessionMb));
    const heap = (transport: Transport) => middle(at(transport).map((r) => r.heapPerSessionMb));
    const connect = (transport: Transport) =>
      percentile(
        at(transport).flatMap((r) => r.connect.map((c) => c.readyMs)),
        50,
      );
    const figures = {
      sessionsMeasured: largest,
      cpuMsPerSessionSecWebRtc: round(cpu('webrtc'), 2),
      cpuMsPerSessionSecWs: round(cpu('ws'), 2),
      cpuRatioWebRtcToWs: round(cpu('webrtc') / cpu('ws'), 2),
      memPerSessionMbWebRtc: round(mem('webrtc'), 2),
      memPerSessionMbWs: round(mem('ws'), 2),
      heapPerSessionMbWebRtc: round(heap('webrtc'), 2),
      heapPerSessionMbWs: round(heap('ws'), 2),
      connectMsP50WebRtc: round(connect('webrtc')),
      connectMsP50Ws: round(connect('ws')),
      othersPct: round(middle(results.filter((r) => r.n === largest).map((r) => r.othersPct))),
    };
    writeResults('webrtc', figures);
    return figures;
  } finally {
    await clients.stop();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
