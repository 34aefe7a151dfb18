/**
 * One voice client per transport, as a user's browser would be: `ws` speaks Pipecat's
 * WebSocket serializer on `/ws/pipecat` (PCM), `webrtc` is the werift client that behaves
 * like Pipecat's SmallWebRTC client (test/server/webrtc/smallWebRtcClient.ts; Opus RTP).
 * Both send `client-ready` as they open and resolve on `bot-ready`, and report the bot's
 * audio as it arrives. Audible = louder than -40 dBFS: over WebRTC the server sends a packet
 * every 20 ms whether the bot speaks or not, so arrival alone says nothing.
 */
import { RtpHeader, RtpPacket } from 'werift';
import { WebSocket } from 'ws';
import { dbfs, OPUS_FRAME, OPUS_SILENCE_FRAME, OpusCodec } from '#engine';
import {
  decodePipecatFrame,
  encodeMessageFrame,
} from '../../../server/transports/pipecat/pipecatFrames.ts';
import { SmallWebRtcClient } from '../../../test/server/webrtc/smallWebRtcClient.ts';

export type Transport = 'ws' | 'webrtc';

/**
 * How a WebRTC client tells audible packets: `decode` = Opus-decode each and test its level
 * (exact; ~50 µs a packet); `silence-frame` = anything but the server's constant idle frame
 * (cheap, for many clients; counts the two fading frames after an answer as audible).
 */
export type Hearing = 'decode' | 'silence-frame';

export interface ConnectTiming {
  /** Start of connect → bot-ready, ms. */
  readyMs: number;
  /** WebRTC only: start → answer applied (offer POST answered), ms. */
  answerMs?: number;
  /** WebRTC only: start → data channel open, ms. */
  channelOpenMs?: number;
}

export interface VoiceClient {
  /** Sends one 20 ms microphone packet, already in this transport's encoding. */
  send(packet: Uint8Array): void;
  /** Called with every audible chunk of bot audio: arrival (performance.now()) and length. */
  onAudible: ((at: number, ms: number) => void) | undefined;
  /**
   * Slack the client's player has against late audio. WS: 0 here, because the server already
   * hands audio out 40 ms ahead of playback. WebRTC: audio is sent exactly in real time and
   * the browser's jitter buffer holds it back instead (NetEq's target delay is 20 ms at the
   * least and typically 40–80 ms), modelled as a fixed 40 ms: the same slack as WS.
   */
  readonly playoutMs: number;
  /** Bot audio received, ms (WS: PCM samples; WebRTC: 20 ms packets, silence too). */
  receivedAudioMs(): number;
  botTurns(): number;
  /** RTVI `error` messages and unexpected closes. */
  readonly errors: string[];
  close(): Promise<void>;
}

const AUDIBLE_DBFS = -40;

export async function openClient(
  transport: Transport,
  baseUrl: string,
  graph: string,
  hearing: Hearing = 'silence-frame',
): Promise<{ client: VoiceClient; timing: ConnectTiming }> {
  return transport === 'ws' ? openWs(baseUrl, graph) : openWebRtc(baseUrl, graph, hearing);
}

function openWs(
  baseUrl: string,
  graph: string,
): Promise<{ client: VoiceClient; timing: ConnectTiming }> {
  const t0 = performance.now();
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws/pipecat?graph=${graph}`);
  let receivedMs = 0;
  let turns = 0;
  let closing = false;
  const client: VoiceClient = {
    playoutMs: 0,
    send: (packet) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(packet);
    },
    onAudible: undefined,
    receivedAudioMs: () => receivedMs,
    botTurns: () => turns,
    errors: [],
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
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
      const at = performance.now();
      const frame = decodePipecatFrame(new Uint8Array(data));
      if (frame.kind === 'audio') {
        const channels = Math.max(1, frame.numChannels);
        const ms = (frame.audio.byteLength / 2 / channels / frame.sampleRate) * 1000;
        receivedMs += ms;
        if (client.onAudible) {
          const { buffer, byteOffset, byteLength } = frame.audio;
          const pcm = new Int16Array(buffer.slice(byteOffset, byteOffset + byteLength));
          if (dbfs(pcm) > AUDIBLE_DBFS) client.onAudible(at, ms);
        }
        return;
      }
      if (frame.kind !== 'message') return;
      const message = JSON.parse(frame.data) as { type?: string; data?: { error?: string } };
      if (message.type === 'bot-started-speaking') turns++;
      if (message.type === 'bot-ready')
        resolve({ client, timing: { readyMs: performance.now() - t0 } });
      if (message.type === 'error') {
        client.errors.push(message.data?.error ?? 'error');
        reject(new Error(message.data?.error ?? 'error'));
      }
    });
    ws.on('error', reject);
    ws.on('close', (code) => {
      if (!closing) client.errors.push(`socket closed ${code}`);
      reject(new Error(`closed ${code}`));
    });
  });
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function openWebRtc(
  baseUrl: string,
  graph: string,
  hearing: Hearing,
): Promise<{ client: VoiceClient; timing: ConnectTiming }> {
  const peer = new SmallWebRtcClient({ url: baseUrl, graph });
  const t0 = performance.now();
  let channelOpenMs: number | undefined;
  peer.channel?.stateChanged.subscribe((state) => {
    if (state !== 'open') return;
    channelOpenMs = performance.now() - t0;
    peer.rtvi('client-ready', {});
  });
  const codec = hearing === 'decode' ? new OpusCodec() : undefined;
  let packets = 0;
  let seen = 0;
  let turns = 0;
  const client: VoiceClient = {
    send: () => undefined, // replaced below, once connected
    playoutMs: 40,
    onAudible: undefined,
    receivedAudioMs: () => packets * 20,
    botTurns: () => turns,
    errors: [],
    close: async () => {
      await peer.close();
      codec?.destroy();
    },
  };
  const isAudible = (payload: Buffer): boolean => {
    if (!codec) return !payload.equals(OPUS_SILENCE_FRAME);
    try {
      return dbfs(codec.decode(payload)) > AUDIBLE_DBFS;
    } catch {
      return false;
    }
  };
  peer.pc.onTrack.subscribe((track) => {
    track.onReceiveRtp.subscribe((rtp) => {
      const at = performance.now();
      packets++;
      // The test client keeps every packet; a long run must not.
      peer.rtp.length = 0;
      peer.rtpAt.length = 0;
      if (client.onAudible && isAudible(rtp.payload)) client.onAudible(at, 20);
    });
  });
  const { status, body } = await peer.connect();
  if (status !== 200) throw new Error(`offer answered ${status}: ${JSON.stringify(body)}`);
  const answerMs = performance.now() - t0;
  await until(() => peer.messages.some((m) => m.type === 'bot-ready'), 15_000, 'bot-ready');
  const readyMs = performance.now() - t0;
  // RTVI messages: count turns and errors as they come, and keep the list short.
  const drain = setInterval(() => {
    for (const m of peer.messages.slice(seen)) {
      if (m.type === 'bot-started-speaking') turns++;
      if (m.type === 'error') client.errors.push(JSON.stringify(m.data ?? 'error'));
    }
    seen = peer.messages.length;
  }, 250);
  const close = client.close;
  client.close = () => {
    clearInterval(drain);
    return close();
  };
  let sequenceNumber = Math.floor(Math.random() * 0x10000);
  let timestamp = Math.floor(Math.random() * 0x100000000);
  let sent = 0;
  client.send = (packet) => {
    const header = new RtpHeader({
      payloadType: 111,
      sequenceNumber,
      timestamp,
      marker: sent === 0,
    });
    sequenceNumber = (sequenceNumber + 1) & 0xffff;
    timestamp = (timestamp + OPUS_FRAME) >>> 0;
    sent++;
    const payload = Buffer.isBuffer(packet) ? packet : Buffer.from(packet);
    peer.micTrack.writeRtp(new RtpPacket(header, payload));
  };
  return { client, timing: { readyMs, answerMs, channelOpenMs } };
}
