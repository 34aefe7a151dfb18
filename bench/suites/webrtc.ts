/**
 * `npm run bench webrtc`: the WebRTC transport (issue 14) side by side with `/ws/pipecat` in
 * the same run, on one machine, clients in a child process (webrtc/clientsProcess.ts):
 *
 * 1. what a session's transport costs the server, on the echo graph (webrtc/echoCost.ts);
 * 2. voice-to-voice and interruption stop timed at the client, on the latency suite's fake
 *    cascade (webrtc/cascadeLatency.ts);
 * 3. concurrent sessions in real time on the fake cloud graph, judged at the client, and the
 *    server's CPU per session-second there (webrtc/cascadeCapacity.ts);
 * 4. what the user hears through packet loss and jitter (webrtc/impairedNetwork.ts).
 *
 * bench/README.md "The webrtc suite".
 */
import { closeSharedServices, createDefaultRegistry } from '#engine';
import { writeResults } from '../lib/results.ts';
import { fakeCascadeGraph, fakeCloudEnv, fakeCloudGraph, PREEMPTIVE } from './latency/graphs.ts';
import { startFakeCloud } from './latency/startFakeCloud.ts';
import { startBenchServer } from './webrtc/benchServer.ts';
import { CPU_AT_SESSIONS, measureCascadeCapacity } from './webrtc/cascadeCapacity.ts';
import { measureCascadeLatency } from './webrtc/cascadeLatency.ts';
import { measureEchoCost } from './webrtc/echoCost.ts';
import { measureImpairedNetwork } from './webrtc/impairedNetwork.ts';
import { TransportClients } from './webrtc/TransportClients.ts';

/** `WEBRTC_ONLY=echo|latency|capacity|impaired` runs one part (results still go to webrtc.json). */
const only = process.env.WEBRTC_ONLY;
const wanted = (part: string) => !only || only === part;

export async function runWebRtcBench(): Promise<Record<string, number>> {
  const log = (line: string) => console.log(line);
  const clients = new TransportClients();
  const figures: Record<string, number> = {};
  try {
    log('webrtc: /ws/pipecat (16 kHz PCM) vs WebRTC (Opus), clients in a child process');
    if (wanted('echo')) Object.assign(figures, await measureEchoCost(clients, log));
    if (wanted('latency') || wanted('capacity')) {
      const cloud = await startFakeCloud();
      const bench = await startBenchServer(
        createDefaultRegistry(),
        { cascade: fakeCascadeGraph(cloud.urls, PREEMPTIVE), cloud: fakeCloudGraph(cloud.urls) },
        fakeCloudEnv(cloud.urls),
      );
      try {
        if (wanted('latency'))
          Object.assign(figures, await measureCascadeLatency(clients, bench.url, log));
        if (wanted('capacity')) {
          log(`  sessions in real time, fake cloud graph (CPU compared at ${CPU_AT_SESSIONS})`);
          const ws = await measureCascadeCapacity(clients, bench, cloud.child.pid, 'ws', log);
          const rtc = await measureCascadeCapacity(clients, bench, cloud.child.pid, 'webrtc', log);
          Object.assign(figures, {
            sessionsWs: ws.sessions,
            sessionsWebrtc: rtc.sessions,
            cpuMsPerSessionSecWsCascade: ws.cpuMsPerSessionSec,
            cpuMsPerSessionSecWebrtc: rtc.cpuMsPerSessionSec,
          });
        }
      } finally {
        await bench.close();
        await cloud.stop();
        await closeSharedServices();
      }
    }
    if (wanted('impaired')) {
      log('  loss and jitter on the media path, voice-agent graph');
      Object.assign(figures, await measureImpairedNetwork(log));
    }
    writeResults('webrtc', figures);
    return figures;
  } finally {
    await clients.stop();
  }
}
