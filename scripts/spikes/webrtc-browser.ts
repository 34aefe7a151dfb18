/**
 * Spike for issue 14: real browser WebRTC (headless Chromium) ↔ werift in Node.
 *
 *   npx tsx scripts/spikes/webrtc-browser.ts
 *
 * The page does what @pipecat-ai/small-webrtc-transport does on the wire:
 * transceivers audio(sendrecv, fake mic from a 660 Hz WAV) + video(sendrecv,
 * no track), data channel "chat" {ordered:true}, POST /api/offer
 * {sdp,type,pc_id:null,restart_pc:false} right after setLocalDescription, then
 * PATCH /api/offer {pc_id,candidates:[{candidate,sdp_mid,sdp_mline_index}]}
 * every 200 ms, "ping: <ms>" every second, an RTVI client-ready.
 * Node answers with werift (gathering complete, all candidates in the SDP),
 * decodes the mic with opusscript and checks the tone, sends a 440 Hz Opus tone
 * back on mid 0, and the page measures it (getStats + AnalyserNode).
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpusScript from 'opusscript';
import { chromium } from 'playwright-core';
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
} from 'werift';

const RATE = 48000;
/** SPIKE_REPLY_DELAY_MS: answer RTVI messages after a delay (probes the first-message stall). */
const REPLY_DELAY = Number(process.env.SPIKE_REPLY_DELAY_MS ?? 0);
const reply = (send: () => void) => (REPLY_DELAY > 0 ? setTimeout(send, REPLY_DELAY) : send());
const MIC_HZ = 660;
const BOT_HZ = 440;

function wav(hz: number, seconds: number, rate = 48000): Buffer {
  const n = rate * seconds;
  const b = Buffer.alloc(44 + n * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * 2, 4);
  b.write('WAVE', 8);
  b.write('fmt ', 12);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++)
    b.writeInt16LE(Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  return b;
}

const PAGE = `<!doctype html><meta charset=utf-8><body><script>
window.result = (async () => {
  const T0 = performance.now(); const times = {}; const mark = (k) => times[k] = Math.round(performance.now() - T0);
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.addTransceiver('audio', { direction: 'sendrecv' });
  pc.addTransceiver('video', { direction: 'sendrecv' });
  const dc = pc.createDataChannel('chat', { ordered: true });
  await pc.getTransceivers()[0].sender.replaceTrack(stream.getAudioTracks()[0]);
  let pcId = null, canSend = false, queue = [], timer = null;
  const flush = async () => { timer = null; if (!canSend || !queue.length) return;
    const candidates = queue.splice(0).map(c => ({ candidate: c.candidate, sdp_mid: c.sdpMid, sdp_mline_index: c.sdpMLineIndex }));
    await fetch('/api/offer', { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ pc_id: pcId, candidates }) }); };
  pc.onicecandidate = (e) => { if (e.candidate) { queue.push(e.candidate); if (!timer) timer = setTimeout(flush, 200); } };
  const messages = [];
  const ready = new Promise(r => dc.onmessage = (e) => { messages.push(e.data + ' @' + Date.now()); if (String(e.data).includes('bot-ready')) r(); });
  dc.onopen = () => { mark('dcOpen');
    dc.send(JSON.stringify({ type: 'signalling', message: { type: 'trackStatus', receiver_index: 0, enabled: true } }));
    dc.send(JSON.stringify({ label: 'rtvi-ai', type: 'client-ready', id: 'cr-1', data: { version: '1.0.0', about: { library: 'spike' }, sentAt: Date.now() } }));
    for (let k = 0; k < 5; k++) setTimeout(() => dc.send(JSON.stringify({ label: 'rtvi-ai', type: 'client-message', id: 'm' + k, data: { t: 'ping', d: { sentAt: Date.now() } } })), 1500 + k * 300);
    setInterval(() => dc.readyState === 'open' && dc.send('ping: ' + Date.now()), 1000);
  };
  const remote = new Promise(r => pc.ontrack = (e) => { mark('ontrack'); r(e); });
  await pc.setLocalDescription(await pc.createOffer());
  const offerHasCandidates = /a=candidate/.test(pc.localDescription.sdp);
  const res = await fetch('/api/offer', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ sdp: pc.localDescription.sdp, type: pc.localDescription.type, pc_id: null, restart_pc: false, requestData: { graph: 'spike' } }) });
  const answer = await res.json(); mark('answer');
  pc.oniceconnectionstatechange = () => mark('ice-' + pc.iceConnectionState);
  pcId = answer.pc_id;
  await pc.setRemoteDescription(answer);
  canSend = true; await flush();
  const ev = await remote; mark('track');
  await ready; mark('botReady');
  // Play the bot's track (Chrome needs it attached to a media element to flow into WebAudio).
  const el = new Audio(); el.srcObject = new MediaStream([ev.track]); el.muted = true; await el.play().catch(() => {});
  const ctx = new AudioContext({ sampleRate: 48000 });
  const src = ctx.createMediaStreamSource(new MediaStream([ev.track]));
  const an = ctx.createAnalyser(); an.fftSize = 8192; src.connect(an);
  await new Promise(r => setTimeout(r, 3500));
  const buf = new Float32Array(an.fftSize); an.getFloatTimeDomainData(buf);
  let sq = 0, zc = 0; for (let i = 0; i < buf.length; i++) { sq += buf[i] * buf[i]; if (i && (buf[i-1] < 0) !== (buf[i] < 0)) zc++; }
  const stats = {}; (await pc.getStats()).forEach(s => { if (s.type === 'inbound-rtp' && s.kind === 'audio') Object.assign(stats, { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, jitter: s.jitter, totalAudioEnergy: s.totalAudioEnergy, totalSamplesDuration: s.totalSamplesDuration, concealedSamples: s.concealedSamples, totalSamplesReceived: s.totalSamplesReceived }); if (s.type === 'candidate-pair' && s.nominated) stats.pair = s.state; });
  const sctpMax = pc.sctp && pc.sctp.maxMessageSize;
  const out = { times, answerAudio: answer.sdp.split('m=')[1].split('\\r\\n').filter(l => !/^a=(candidate|rtcp-fb|extmap|fingerprint|ice-)/.test(l)), offerHasCandidates, answerType: answer.type, pcId, answerMids: (answer.sdp.match(/a=mid:\\S+/g) || []), videoMLine: (answer.sdp.match(/m=video[^\\r\\n]*/) || [])[0],
    iceState: pc.iceConnectionState, connectionState: pc.connectionState, dcState: dc.readyState, sctpMaxMessageSize: sctpMax,
    messages, botAudio: { rms: Math.sqrt(sq / buf.length), hz: zc / 2 / (buf.length / ctx.sampleRate), ...stats } };
  dc.close(); pc.close(); stream.getTracks().forEach(t => t.stop());
  return out;
})();
</script>`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'webrtc-spike-'));
  const wavPath = join(dir, 'mic.wav');
  writeFileSync(wavPath, wav(MIC_HZ, 3));
  const decoded: Int16Array[] = [];
  const server: {
    pc?: RTCPeerConnection;
    pings: number;
    signalling: string[];
    patches: number;
    candidates: number;
    addMs: string[];
    closeReason?: string;
  } = { addMs: [], pings: 0, signalling: [], patches: 0, candidates: 0 };
  let botTimer: NodeJS.Timeout | undefined;
  const decoder = new OpusScript(RATE, 1, OpusScript.Application.VOIP);
  const encoder = new OpusScript(RATE, 1, OpusScript.Application.VOIP);

  const http = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    try {
      if (req.method === 'GET' && req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      } else if (req.method === 'POST' && req.url === '/api/offer') {
        const pc = new RTCPeerConnection({
          codecs: {
            audio: [
              new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 }),
            ],
            video: [],
          },
        });
        server.pc = pc;
        pc.connectionStateChange.subscribe((s) => console.error('[node] connectionState', s));
        pc.onDataChannel.subscribe((dc) => {
          console.error('[node] data channel', dc.label);
          dc.onMessage.subscribe((m) => {
            const text = m.toString();
            if (text.startsWith('ping')) {
              server.pings++;
              return;
            }
            const msg = JSON.parse(text);
            if (msg.type === 'signalling') {
              server.signalling.push(text);
              return;
            }
            if (msg.label === 'rtvi-ai')
              reply(() =>
                dc.send(
                  JSON.stringify({
                    label: 'rtvi-ai',
                    type: 'server-response',
                    id: msg.id,
                    data: {
                      clientSentAt: msg.data?.sentAt ?? msg.data?.d?.sentAt,
                      serverGotAt: Date.now(),
                    },
                  }),
                ),
              );
            if (msg.label === 'rtvi-ai' && msg.type === 'client-ready')
              reply(() =>
                dc.send(
                  JSON.stringify({
                    label: 'rtvi-ai',
                    type: 'bot-ready',
                    id: msg.id,
                    data: { version: '1.0.0', about: { library: 'parley-spike' } },
                  }),
                ),
              );
          });
        });
        pc.onTrack.subscribe((track) => {
          console.error('[node] remote track', track.kind);
          if (track.kind !== 'audio') return;
          track.onReceiveRtp.subscribe((rtp) => {
            const pcm = decoder.decode(rtp.payload);
            decoded.push(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2).slice());
          });
        });
        await pc.setRemoteDescription({ type: body.type, sdp: body.sdp });
        const audio = pc.getTransceivers().find((t) => t.kind === 'audio')!;
        const track = new MediaStreamTrack({ kind: 'audio' });
        await audio.sender.replaceTrack(track);
        audio.setDirection('sendrecv');
        await pc.setLocalDescription(await pc.createAnswer());
        if (pc.iceGatheringState !== 'complete')
          await new Promise<void>((r) => {
            const s = pc.iceGatheringStateChange.subscribe((g) => {
              if (g === 'complete') {
                s.unSubscribe();
                r();
              }
            });
            setTimeout(r, 3000);
          });
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            sdp: pc.localDescription!.sdp,
            type: pc.localDescription!.type,
            pc_id: 'parley-spike-1',
          }),
        );
        // Bot audio: 440 Hz, 20 ms Opus frames, absolute-clock pacing, from connect on.
        const t0 = performance.now();
        let f = 0;
        const pcmFrame = new Int16Array(960);
        const tick = () => {
          for (let i = 0; i < 960; i++)
            pcmFrame[i] = Math.round(
              0.3 * 32767 * Math.sin((2 * Math.PI * BOT_HZ * (f * 960 + i)) / RATE),
            );
          const payload = encoder.encode(Buffer.from(pcmFrame.buffer), 960);
          track.writeRtp(
            new RtpPacket(
              new RtpHeader({
                payloadType: 111,
                sequenceNumber: f & 0xffff,
                timestamp: (f * 960) >>> 0,
                marker: f === 0,
              }),
              Buffer.from(payload),
            ),
          );
          f++;
          botTimer = setTimeout(tick, Math.max(0, t0 + f * 20 - performance.now()));
        };
        tick();
      } else if (req.method === 'PATCH' && req.url === '/api/offer') {
        server.patches++;
        for (const c of body.candidates) {
          server.candidates++;
          // Not awaited: werift resolves Chrome's mDNS (.local) host candidates and can sit on that for ~30 s.
          const t = performance.now();
          server
            .pc!.addIceCandidate({
              candidate: c.candidate,
              sdpMid: c.sdp_mid,
              sdpMLineIndex: c.sdp_mline_index,
            })
            .then(() =>
              server.addMs.push(
                `${Math.round(performance.now() - t)}ms ${c.candidate.split(' ').slice(4, 8).join(' ')}`,
              ),
            )
            .catch((e) => server.addMs.push(`error ${e}`));
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success"}');
      } else res.writeHead(404).end();
    } catch (error) {
      console.error('[node] handler error', error);
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: String(error) }));
    }
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const port = (http.address() as { port: number }).port;

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium-headless-shell',
    args: [
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      `--use-file-for-fake-audio-capture=${wavPath}`,
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  try {
    const page = await (await browser.newContext()).newPage();
    page.on('console', (m) => console.error('[page]', m.text()));
    await page.goto(`http://127.0.0.1:${port}/`);
    const result = await page.evaluate(
      () => (window as unknown as { result: Promise<unknown> }).result,
    );
    await new Promise((r) => setTimeout(r, 300));
    // Mic analysis: skip the first 0.5 s, look at the loud part.
    const all = new Int16Array(decoded.reduce((n, c) => n + c.length, 0));
    let o = 0;
    for (const c of decoded) {
      all.set(c, o);
      o += c.length;
    }
    const s = all.subarray(Math.min(all.length, RATE / 2));
    let sq = 0,
      zc = 0;
    for (let i = 0; i < s.length; i++) {
      sq += s[i] * s[i];
      if (i && s[i - 1] < 0 !== s[i] < 0) zc++;
    }
    const mic = {
      seconds: all.length / RATE,
      rms: Math.sqrt(sq / Math.max(1, s.length)) / 32768,
      hz: zc / 2 / (s.length / RATE),
    };
    const r = result as { botAudio: { rms: number; hz: number }; messages: string[] };
    const ok =
      Math.abs(mic.hz - MIC_HZ) < 15 &&
      mic.rms > 0.02 &&
      Math.abs(r.botAudio.hz - BOT_HZ) < 15 &&
      r.botAudio.rms > 0.02 &&
      r.messages.some((m) => m.includes('bot-ready'));
    console.log(
      JSON.stringify(
        {
          chromium: browser.version(),
          page: result,
          node: {
            micDecoded: mic,
            pings: server.pings,
            signalling: server.signalling,
            patches: server.patches,
            candidatesPatched: server.candidates,
            addIceCandidate: server.addMs,
          },
          ok,
        },
        null,
        2,
      ),
    );
    process.exitCode = ok ? 0 : 1;
    if (process.env.SPIKE_VANISH && server.pc) {
      // A peer that vanishes without closing: SIGKILL our own Chromium (child of this process), then watch werift.
      const pc = server.pc;
      const pids = execSync(`pgrep -P ${process.pid} -f chromium-headless-shell || true`)
        .toString()
        .trim()
        .split(/\s+/)
        .filter(Boolean);
      const killedAt = performance.now();
      const seen: string[] = [];
      pc.connectionStateChange.subscribe((st) =>
        seen.push(`connection ${st} +${Math.round(performance.now() - killedAt)}ms`),
      );
      pc.iceConnectionStateChange.subscribe((st) =>
        seen.push(`ice ${st} +${Math.round(performance.now() - killedAt)}ms`),
      );
      for (const pid of pids)
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {}
      await new Promise((r) => setTimeout(r, Number(process.env.SPIKE_VANISH_WAIT_MS ?? 40000)));
      console.log(JSON.stringify({ vanish: { killedPids: pids, states: seen } }));
    }
  } finally {
    if (botTimer) clearTimeout(botTimer);
    await browser.close().catch(() => {});
    await server.pc?.close();
    http.close();
    decoder.delete();
    encoder.delete();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error('FAILED', e);
  process.exit(2);
});
