/**
 * A scripted Twilio Media Streams client: speaks the real message shapes
 * (connected, start, media, mark, dtmf, stop), plays WAVs as μ-law 8 kHz in
 * real time, and behaves like Twilio's player — buffers bot audio, echoes a
 * `mark` once the audio before it has played, and on `clear` drops the buffer
 * and echoes the outstanding marks at once.
 */
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { muLawDecode, muLawEncode } from '../../../engine/audio/g711.ts';
import { Resampler } from '../../../engine/audio/Resampler.ts';
import { readWav } from '../../../engine/audio/wav.ts';

export interface ReceivedMedia {
  at: number;
  samples: Int16Array;
}

export class TwilioCallSimulator {
  readonly streamSid = `MZ${'0123456789abcdef'.repeat(2)}`;
  readonly callSid = `CA${'fedcba9876543210'.repeat(2)}`;
  readonly accountSid = `AC${'00112233445566778899aabbccddeeff'}`;
  readonly media: ReceivedMedia[] = [];
  readonly marks: Array<{ name: string; sentAt: number; echoedAt?: number }> = [];
  readonly clears: number[] = [];
  readonly wrongStreamSid: string[] = [];
  closed: { code: number; reason: string } | undefined;
  private seq = 0;
  private chunk = 0;
  private playheadEnd = 0;
  private readonly pendingEchoes = new Map<string, NodeJS.Timeout>();
  private readonly startedAt = performance.now();

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) =>
      this.onMessage(
        JSON.parse(data.toString()) as {
          event: string;
          streamSid?: string;
          media?: { payload: string };
          mark?: { name: string };
        },
      ),
    );
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const t of this.pendingEchoes.values()) clearTimeout(t);
    });
  }

  static open(url: string): Promise<TwilioCallSimulator> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const sim = new TwilioCallSimulator(ws);
      ws.once('open', () => resolve(sim));
      ws.once('error', reject);
    });
  }

  /** `connected` then `start`, as Twilio sends them when the call connects. */
  start(customParameters: Record<string, string>): void {
    this.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.send({
      event: 'start',
      sequenceNumber: this.nextSeq(),
      start: {
        accountSid: this.accountSid,
        streamSid: this.streamSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        customParameters,
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid: this.streamSid,
    });
  }

  /** Plays a WAV into the call as μ-law 8 kHz, 20 ms per message, in real time. */
  async play(path: string): Promise<void> {
    const wav = readWav(readFileSync(path), { mixToMono: true });
    const resampler = await Resampler.create(wav.sampleRate, 8000);
    const pcm = resampler.process(wav.samples);
    resampler.destroy();
    await this.stream(pcm);
  }

  silence(ms: number): Promise<void> {
    return this.stream(new Int16Array((8000 * ms) / 1000));
  }

  dtmf(digit: string): void {
    this.send({
      event: 'dtmf',
      streamSid: this.streamSid,
      sequenceNumber: this.nextSeq(),
      dtmf: { track: 'inbound_track', digit },
    });
  }

  stop(): void {
    this.send({
      event: 'stop',
      sequenceNumber: this.nextSeq(),
      streamSid: this.streamSid,
      stop: { accountSid: this.accountSid, callSid: this.callSid },
    });
  }

  /** Received bot audio between two times (performance.now()), in samples at 8 kHz. */
  samplesBetween(from: number, to = Infinity): number {
    return this.media
      .filter((m) => m.at >= from && m.at < to)
      .reduce((n, m) => n + m.samples.length, 0);
  }

  rmsBetween(from: number, to = Infinity): number {
    let sum = 0;
    let n = 0;
    for (const m of this.media) {
      if (m.at < from || m.at >= to) continue;
      for (const s of m.samples) sum += s * s;
      n += m.samples.length;
    }
    return n === 0 ? 0 : Math.sqrt(sum / n);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  private async stream(pcm: Int16Array): Promise<void> {
    const t0 = performance.now();
    for (let i = 0, n = 0; i < pcm.length; i += 160, n++) {
      const frame = pcm.subarray(i, i + 160);
      this.chunk++;
      this.send({
        event: 'media',
        sequenceNumber: this.nextSeq(),
        media: {
          track: 'inbound',
          chunk: String(this.chunk),
          timestamp: String(Math.round(performance.now() - this.startedAt)),
          payload: Buffer.from(muLawEncode(frame)).toString('base64'),
        },
        streamSid: this.streamSid,
      });
      await new Promise((r) => setTimeout(r, Math.max(0, t0 + (n + 1) * 20 - performance.now())));
    }
  }

  private onMessage(message: {
    event: string;
    streamSid?: string;
    media?: { payload: string };
    mark?: { name: string };
  }): void {
    const now = performance.now();
    if (message.streamSid !== this.streamSid) this.wrongStreamSid.push(message.event);
    switch (message.event) {
      case 'media': {
        const samples = muLawDecode(Buffer.from(message.media!.payload, 'base64'));
        this.media.push({ at: now, samples });
        this.playheadEnd = Math.max(this.playheadEnd, now) + (samples.length / 8000) * 1000;
        return;
      }
      case 'mark': {
        const name = message.mark!.name;
        this.marks.push({ name, sentAt: now });
        this.pendingEchoes.set(
          name,
          setTimeout(() => this.echoMark(name), Math.max(0, this.playheadEnd - now)),
        );
        return;
      }
      case 'clear':
        this.clears.push(now);
        this.playheadEnd = now;
        for (const [name, timer] of this.pendingEchoes) {
          clearTimeout(timer);
          this.echoMark(name);
        }
        return;
    }
  }

  private echoMark(name: string): void {
    this.pendingEchoes.delete(name);
    const mark = this.marks.find((m) => m.name === name && m.echoedAt === undefined);
    if (mark) mark.echoedAt = performance.now();
    this.send({
      event: 'mark',
      sequenceNumber: this.nextSeq(),
      streamSid: this.streamSid,
      mark: { name },
    });
  }

  private send(message: Record<string, unknown>): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  private nextSeq(): string {
    return String(++this.seq);
  }
}
