/**
 * A client's microphone: says utterances in real time, silence in between (a browser keeps
 * sending while the user is quiet). `MicTicker` drives every client's microphone from one
 * drift-corrected 20 ms tick, at the moment each chunk has been fully "captured".
 */
import { ChunkTicker } from '../../lib/ChunkTicker.ts';
import { CHUNK_MS, type Utterance } from './micPackets.ts';
import type { VoiceClient } from './voiceClients.ts';

export interface Said {
  /** When the first voiced sample was spoken (performance.now()). */
  onsetAt: number;
  /** When the last voiced sample was spoken: the end of the user's speech as sent. */
  endAt: number;
}

interface Saying {
  utterance: Utterance;
  next: number;
  startAt: number;
  done: (said: Said) => void;
}

export class ClientMic {
  private readonly queue: Saying[] = [];

  constructor(
    private readonly client: VoiceClient,
    private readonly silence: Uint8Array,
  ) {}

  /** Resolves once the whole clip has been sent. */
  say(utterance: Utterance): Promise<Said> {
    return new Promise((done) => this.queue.push({ utterance, next: 0, startAt: 0, done }));
  }

  /** Sends the chunk captured between `capturedAt` − 20 ms and `capturedAt`. */
  tick(capturedAt: number): void {
    const saying = this.queue[0];
    if (!saying) return this.client.send(this.silence);
    if (saying.next === 0) saying.startAt = capturedAt - CHUNK_MS;
    const { packets, onsetMs, endMs } = saying.utterance;
    this.client.send(packets[saying.next++]);
    if (saying.next < packets.length) return;
    this.queue.shift();
    saying.done({ onsetAt: saying.startAt + onsetMs, endAt: saying.startAt + endMs });
  }
}

/** Every client's microphone on one tick (`members`). */
export class MicTicker extends ChunkTicker<ClientMic> {
  constructor() {
    super(CHUNK_MS);
  }
}
