/**
 * The echo graph's microphone: a 500 ms tone every 2.5 s (the echo graph's ear hears it,
 * the bot answers with 1.5 s of tone), as 20 ms packets of `transport`, encoded once.
 */
import { encodeMic } from './micPackets.ts';
import type { Transport } from './voiceClients.ts';

const CYCLE_MS = 2500;
const TALK_MS = 500;
const RATE = { ws: 16000, webrtc: 48000 } as const;

const cycles = new Map<Transport, Promise<Uint8Array[]>>();

export function echoCycle(transport: Transport): Promise<Uint8Array[]> {
  let cycle = cycles.get(transport);
  if (!cycle) {
    const rate = RATE[transport];
    const pcm = new Int16Array((rate * CYCLE_MS) / 1000);
    for (let i = 0; i < (rate * TALK_MS) / 1000; i++)
      pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / rate));
    cycle = encodeMic(transport, pcm, rate);
    cycles.set(transport, cycle);
  }
  return cycle;
}
