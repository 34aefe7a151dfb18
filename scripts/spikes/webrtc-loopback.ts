/**
 * Spike for issue 14: can werift + opusscript carry Opus audio and a data
 * channel between two RTCPeerConnections in one Node process?
 *
 *   npx tsx scripts/spikes/webrtc-loopback.ts [seconds=2] [pairs=1]
 *
 * Side A (the "bot") encodes a 440 Hz tone with opusscript (48 kHz mono, 20 ms
 * frames), sends it as RTP paced in real time; side B decodes and checks RMS
 * and frequency (zero crossings). Reports CPU ms per session-second (one pair
 * = one encode + SRTP on A, SRTP + decode on B, both in this process) and RSS
 * growth per pair. Not part of the server; a measurement.
 */
import { readFileSync } from 'node:fs';
import OpusScript from 'opusscript';
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
} from 'werift';

const RATE = 48000;
const FRAME = 960; // 20 ms
const FREQ = 440;
const seconds = Number(process.argv[2] ?? 2);
const pairs = Number(process.argv[3] ?? 1);

const opusCodec = () =>
  new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 });

function waitFor<T>(
  event: { subscribe(f: (v: T) => void): { unSubscribe(): void } },
  ok: (v: T) => boolean,
  ms: number,
  what: string,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    const sub = event.subscribe((v) => {
      if (ok(v)) {
        clearTimeout(timer);
        sub.unSubscribe();
        resolve();
      }
    });
  });
}

interface Pair {
  a: RTCPeerConnection;
  b: RTCPeerConnection;
  track: MediaStreamTrack;
  decoded: Int16Array[];
  packets: number;
  dcEcho: Promise<string>;
  close(): Promise<void>;
}

async function makePair(): Promise<Pair> {
  const a = new RTCPeerConnection({ codecs: { audio: [opusCodec()], video: [] } });
  const b = new RTCPeerConnection({ codecs: { audio: [opusCodec()], video: [] } });
  const track = new MediaStreamTrack({ kind: 'audio' });
  a.addTransceiver(track, { direction: 'sendonly' });
  const dc = a.createDataChannel('chat', { ordered: true });

  const decoder = new OpusScript(RATE, 1, OpusScript.Application.VOIP);
  const pair: Pair = {
    a,
    b,
    track,
    decoded: [],
    packets: 0,
    dcEcho: new Promise((resolve) => {
      b.onDataChannel.subscribe((channel) => {
        channel.onMessage.subscribe((msg) => channel.send(`echo:${msg.toString()}`));
      });
      dc.onMessage.subscribe((msg) => resolve(msg.toString()));
    }),
    close: async () => {
      decoder.delete();
      await a.close();
      await b.close();
    },
  };
  b.onTrack.subscribe((remote) => {
    remote.onReceiveRtp.subscribe((rtp) => {
      pair.packets++;
      const pcm = decoder.decode(rtp.payload);
      pair.decoded.push(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2).slice());
    });
  });

  // Non-trickle: wait for gathering, then hand over the whole SDP (as the Pipecat client's first offer does).
  await a.setLocalDescription(await a.createOffer());
  if (a.iceGatheringState !== 'complete')
    await waitFor(a.iceGatheringStateChange, (s) => s === 'complete', 5000, 'A gathering');
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription(await b.createAnswer());
  if (b.iceGatheringState !== 'complete')
    await waitFor(b.iceGatheringStateChange, (s) => s === 'complete', 5000, 'B gathering');
  await a.setRemoteDescription(b.localDescription!);
  await Promise.all([
    a.connectionState === 'connected'
      ? undefined
      : waitFor(a.connectionStateChange, (s) => s === 'connected', 10000, 'A connected'),
    b.connectionState === 'connected'
      ? undefined
      : waitFor(b.connectionStateChange, (s) => s === 'connected', 10000, 'B connected'),
  ]);
  if (dc.readyState !== 'open')
    await waitFor(dc.stateChanged, (s) => s === 'open', 5000, 'data channel open');
  dc.send('{"label":"rtvi-ai","type":"client-ready","id":"1","data":{}}');
  return pair;
}

function analyse(chunks: Int16Array[]) {
  const all = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  // Skip the first 100 ms (codec warm-up).
  const s = all.subarray(Math.min(all.length, RATE / 10));
  let sq = 0,
    crossings = 0;
  for (let i = 0; i < s.length; i++) {
    sq += s[i] * s[i];
    if (i > 0 && s[i - 1] < 0 !== s[i] < 0) crossings++;
  }
  const rms = Math.sqrt(sq / Math.max(1, s.length)) / 32768;
  const hz = crossings / 2 / (s.length / RATE);
  return { samples: all.length, seconds: all.length / RATE, rms, hz };
}

async function main() {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const rss0 = process.memoryUsage().rss;
  const setupStart = performance.now();
  const list: Pair[] = [];
  for (let i = 0; i < pairs; i++) list.push(await makePair());
  const setupMs = performance.now() - setupStart;
  gc?.();
  const rss1 = process.memoryUsage().rss;

  const encoders = list.map(() => {
    const e = new OpusScript(RATE, 1, OpusScript.Application.VOIP);
    return e;
  });
  const frames = Math.round((seconds * 1000) / 20);
  const amp = 0.3 * 32767;
  const pcm = new Int16Array(FRAME);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let seq = 0;
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < FRAME; i++)
      pcm[i] = Math.round(amp * Math.sin((2 * Math.PI * FREQ * (f * FRAME + i)) / RATE));
    const buf = Buffer.from(pcm.buffer);
    list.forEach((p, k) => {
      const payload = encoders[k].encode(buf, FRAME);
      const header = new RtpHeader({
        payloadType: 111,
        sequenceNumber: seq & 0xffff,
        timestamp: (f * FRAME) >>> 0,
        marker: f === 0,
        ssrc: 1234 + k,
      });
      p.track.writeRtp(new RtpPacket(header, Buffer.from(payload)));
    });
    seq++;
    // Real-time pacing on an absolute clock, as transport.output does.
    const due = t0 + (f + 1) * 20;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await new Promise((r) => setTimeout(r, 300)); // let the last packets land
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - t0) / 1000;
  gc?.();
  const rss2 = process.memoryUsage().rss;

  const results = list.map((p) => ({ packets: p.packets, ...analyse(p.decoded) }));
  const echoes = await Promise.all(
    list.map((p) =>
      Promise.race([p.dcEcho, new Promise<string>((r) => setTimeout(() => r('(none)'), 2000))]),
    ),
  );
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const first = results[0];
  const ok =
    results.every(
      (r) => r.rms > 0.15 && Math.abs(r.hz - FREQ) < 10 && r.packets >= frames * 0.98,
    ) && echoes.every((e) => e.startsWith('echo:'));
  console.log(
    JSON.stringify(
      {
        node: process.version,
        werift: JSON.parse(
          readFileSync(new URL('../../node_modules/werift/package.json', import.meta.url), 'utf8'),
        ).version,
        pairs,
        seconds,
        framesSent: frames,
        first,
        allOk: ok,
        dataChannel: echoes[0],
        setupMsPerPair: +(setupMs / pairs).toFixed(1),
        cpuMsTotal: +cpuMs.toFixed(1),
        wallS: +wallS.toFixed(2),
        cpuMsPerSessionSecond: +(cpuMs / pairs / seconds).toFixed(2),
        rssMB: {
          before: +(rss0 / 2 ** 20).toFixed(1),
          afterConnect: +(rss1 / 2 ** 20).toFixed(1),
          afterRun: +(rss2 / 2 ** 20).toFixed(1),
        },
        rssGrowthPerPairMB: +((rss2 - rss0) / pairs / 2 ** 20).toFixed(2),
        gcExposed: !!gc,
      },
      null,
      2,
    ),
  );
  for (const e of encoders) e.delete();
  await Promise.all(list.map((p) => p.close()));
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error('FAILED', error);
  process.exit(2);
});
