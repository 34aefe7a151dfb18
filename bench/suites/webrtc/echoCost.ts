/**
 * What a session's transport costs the server: the echo graph (an energy "ear" and a bot
 * that answers each utterance with 1.5 s of tone: a few µs of graph work per 20 ms frame,
 * so the figures are the transport's), N = 1, 8, 16 clients streaming in real time. Over a
 * 10 s window after 1 s of streaming: the server process's CPU (all threads) ÷ (N ×
 * seconds), and RSS growth from before the sessions opened to the end of the window (both
 * after a full GC) ÷ N. bench/README.md "The webrtc suite".
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { echoRegistry } from '../../../test/server/helpers/echoBotNodes.ts';
import { median, percentile } from '../../lib/results.ts';
import { collectGarbage, machineBusyMs, processCpuMs } from '../latency/processMeasures.ts';
import { sessionsGone, startBenchServer } from './benchServer.ts';
import type { TransportClients } from './TransportClients.ts';
import type { ConnectTiming, Transport } from './voiceClients.ts';

const ECHO_GRAPH = path.resolve(import.meta.dirname, '../../../test/fixtures/graphs/echo.json');
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** The middle value, or the mean of the middle two (median() takes the lower one). */
export const middle = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
};
const heapMb = () => {
  const { heapUsed, external } = process.memoryUsage();
  return (heapUsed + external) / 1024 / 1024;
};
export const round = (v: number, digits = 1) => Math.round(v * 10 ** digits) / 10 ** digits;

async function run(
  server: Awaited<ReturnType<typeof startBenchServer>>,
  clients: TransportClients,
  transport: Transport,
  n: number,
  windowMs: number,
  log: (line: string) => void,
): Promise<RunResult> {
  collectGarbage();
  const rss0 = process.memoryUsage.rss();
  const heap0 = heapMb();
  const opened = await clients.request(
    { kind: 'open', transport, baseUrl: server.url, graph: 'echo', n },
    'opened',
  );
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
  await sessionsGone(server.server, log);
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

export async function measureEchoCost(
  clients: TransportClients,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  const server = await startBenchServer(echoRegistry(), {
    echo: JSON.parse(readFileSync(ECHO_GRAPH, 'utf8')),
  });
  try {
    log('  cost per session, echo graph, /ws/pipecat (16 kHz PCM) vs WebRTC (48 kHz Opus)');
    // Warm-up: modules, JIT, the Opus WASM, werift's crypto; not counted.
    for (const transport of ['ws', 'webrtc'] as const)
      await run(server, clients, transport, 2, 2000, (line) => log(`  warm-up${line}`));
    const results: RunResult[] = [];
    for (const n of STEPS)
      for (const transport of ['ws', 'webrtc'] as const)
        results.push(await run(server, clients, transport, n, WINDOW_MS, log));
    // The largest step once more, the other way round, for a median of two.
    const largest = STEPS[STEPS.length - 1];
    for (const transport of ['webrtc', 'ws'] as const)
      results.push(await run(server, clients, transport, largest, WINDOW_MS, log));
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
    return {
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
  } finally {
    await server.close();
  }
}
