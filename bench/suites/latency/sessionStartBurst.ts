/**
 * Session start under a burst: 50 Pipecat clients connect to `/ws/pipecat`
 * of a real server at the same instant, on the offline graph, and each times
 * connect → `bot-ready` (bench/README.md). Once on a server whose
 * process-wide services (VAD worker, Flite workers, decoder pool) have not
 * started yet (`Cold`), then three times on the same server, warm, as a
 * running server meets a crowd. `LATENCY_ONLY=burst npm run bench:latency`
 * runs just this (results in bench/results/latency-burst.json).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { closeSharedServices, createDefaultRegistry, silentLogger, workerEntry } from '#engine';
import { createServer, type ParleyServer } from '../../../server/createServer.ts';
import { pocketsphinxProcesses } from '../../../test/helpers/processTree.ts';
import { percentile, writeResults } from '../../lib/results.ts';
import { withBenchRig } from './benchRig.ts';
import type { BurstReply, BurstRequest } from './burstClients.ts';
import { offlineGraph } from './graphs.ts';

export const BURST_SESSIONS = 50;
const WARM_BURSTS = 3;

class BurstClients {
  private readonly worker: Worker;

  constructor() {
    const { source, eval: isEval } = workerEntry(import.meta.url, 'burstClients');
    this.worker = new Worker(source, { eval: isEval });
  }

  request(message: BurstRequest): Promise<BurstReply> {
    return new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.postMessage(message);
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

async function startServer(
  weatherUrl: string,
): Promise<{ server: ParleyServer; url: string; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-burst-'));
  await writeFile(path.join(dir, 'voice-agent.json'), JSON.stringify(offlineGraph(weatherUrl)));
  const server = createServer({
    registry: createDefaultRegistry(),
    graphsDir: dir,
    env: {},
    logger: silentLogger,
    editorDir: path.join(dir, 'no-editor'),
    watch: false,
  });
  const { url } = await server.listen(0, '127.0.0.1');
  return { server, url: `${url.replace(/^http/, 'ws')}/ws/pipecat?graph=voice-agent`, dir };
}

function pssMb(pid: number): number {
  try {
    return (
      Number(
        /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0,
      ) / 1024
    );
  } catch {
    return 0;
  }
}

export async function measureSessionStartBurst(
  weatherUrl: string,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  await closeSharedServices(); // the cold burst starts them
  const { server, url, dir } = await startServer(weatherUrl);
  const clients = new BurstClients();
  let errorFrames = 0;
  let failed = 0;
  server.sessions.on('started', (session) =>
    session.on('frame', (frame) => {
      if (frame.type === 'error') errorFrames++;
    }),
  );
  const run = async (label: string): Promise<number[]> => {
    const reply = await clients.request({ kind: 'burst', url, n: BURST_SESSIONS });
    if (reply.kind !== 'burst') throw new Error('burst clients answered out of turn');
    const helpers = pocketsphinxProcesses();
    const decoderMb = [...helpers.decoders, ...helpers.zygotes].reduce(
      (sum, pid) => sum + pssMb(pid),
      0,
    );
    const { readyMs, failures } = reply;
    failed += failures.length;
    log(
      `    ${label}: bot-ready p50 ${round(percentile(readyMs, 50))} ms, p95 ${round(percentile(readyMs, 95))} ms, max ${round(Math.max(...readyMs))} ms` +
        ` (${readyMs.length}/${BURST_SESSIONS} ready${failures.length ? `; failed: ${failures[0]}` : ''}); error frames so far ${errorFrames};` +
        ` pocketsphinx processes ${helpers.decoders.length} + ${helpers.zygotes.length} zygote, PSS ${round(decoderMb)} MB`,
    );
    await clients.request({ kind: 'closeAll' });
    while (server.sessions.size > 0) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 1000)); // decoders back in the pool or gone
    return readyMs;
  };
  try {
    log(`  session start, ${BURST_SESSIONS} Pipecat clients at once (offline graph)`);
    const cold = await run('cold');
    const warm: number[] = [];
    for (let i = 1; i <= WARM_BURSTS; i++) warm.push(...(await run(`warm ${i}`)));
    return {
      sessionStartBurstP50Ms: round(percentile(warm, 50)),
      sessionStartBurstP95Ms: round(percentile(warm, 95)),
      sessionStartBurstColdP50Ms: round(percentile(cold, 50)),
      sessionStartBurstColdP95Ms: round(percentile(cold, 95)),
      sessionStartBurstFailed: failed,
    };
  } finally {
    await clients.stop();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Only the burst figures, with the same weather fake as the full suite. */
export async function runSessionStartBurstOnly(
  log: (line: string) => void,
): Promise<Record<string, number>> {
  return withBenchRig(async ({ weatherUrl }) => {
    const figures = await measureSessionStartBurst(weatherUrl, log);
    writeResults('latency-burst', figures);
    return figures;
  });
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}
