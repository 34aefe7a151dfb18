/** One exchange with the echo bot over a Pipecat socket: proof that a call is alive and answered. */
import type { RawPipecatSocket } from '../../helpers/RawPipecatSocket.ts';

const FRAME = 320; // 20 ms at 16 kHz

function tone(frames: number, amplitude: number): Int16Array[] {
  return Array.from({ length: frames }, () => {
    const samples = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) samples[i] = Math.round(amplitude * Math.sin(i / 3));
    return samples;
  });
}

/** Says something (0.4 s of loud audio, then silence) and waits for bot audio that arrives after it. */
export async function talk(socket: RawPipecatSocket, timeoutMs = 8_000): Promise<void> {
  const from = Date.now();
  for (const chunk of [...tone(20, 8000), ...tone(20, 0)]) {
    socket.sendAudio(chunk);
    await new Promise((r) => setTimeout(r, 20));
  }
  const start = Date.now();
  while (!socket.audio.some((a) => a.at >= from)) {
    if (socket.closed) throw new Error(`call closed (${socket.closed.code}) while talking`);
    if (Date.now() - start > timeoutMs) throw new Error('no bot audio in answer');
    await new Promise((r) => setTimeout(r, 20));
  }
}
