/**
 * Fifty Pipecat clients connect at the same instant to the offline default
 * graph (Silero, pocketsphinx, rules, Flite). Every one gets `bot-ready` and
 * a session of its own; sessions that then talk are recognised and answered
 * while the others sit idle; all of them close cleanly, and no pocketsphinx
 * process outlives the pool. Functional only: how quickly is the latency
 * bench's `sessionStartBurst*` figures.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSharedServices } from '../../engine/providers/sharedServices.ts';
import { FakeOpenMeteo } from '../fakes/FakeOpenMeteo.ts';
import { loadSpeechFixture, pcmChunks } from '../fixtures/speech/speechFixtures.ts';
import { pocketsphinxProcesses } from '../helpers/processTree.ts';
import { RawPipecatSocket } from './helpers/RawPipecatSocket.ts';
import {
  type RealGraphServer,
  startRealGraphServer,
  withConfig,
} from './helpers/realGraphServer.ts';
import { waitFor } from './helpers/testServer.ts';

const SESSIONS = 50;
/** Generous: this is about every session getting there, not how fast (the bench measures that). */
const PATIENCE_MS = 45_000;

let weather: FakeOpenMeteo;
let t: RealGraphServer;

beforeAll(async () => {
  weather = new FakeOpenMeteo();
  const weatherUrl = await weather.start();
  const graph = JSON.parse(readFileSync('graphs/voice-agent.json', 'utf8')) as {
    nodes: Array<{ id: string; config: Record<string, unknown> }>;
  };
  t = await startRealGraphServer({
    'voice-agent': withConfig(graph, {
      weather: { baseUrl: weatherUrl, geocodingBaseUrl: weatherUrl },
      // The vocabulary bias as shipped: built once in the decoder zygote, so the burst's
      // decoders switch to it instead of each building it (~0.5 s of CPU apiece).
    }),
  });
});

afterAll(async () => {
  await t?.close();
  await closeSharedServices();
  await weather?.stop();
});

async function openReady(): Promise<{ socket: RawPipecatSocket; sessionId: string }> {
  const socket = await RawPipecatSocket.open(`${t.wsUrl}/ws/pipecat?graph=voice-agent`);
  const id = socket.rtvi('client-ready', { version: '2.1.0', about: { library: 'burst-test' } });
  const ready = await socket.waitFor((m) => m.type === 'bot-ready' && m.id === id, PATIENCE_MS);
  const about = ready.data?.about as { session_id?: string } | undefined;
  return { socket, sessionId: about?.session_id ?? '' };
}

/** Speech then a second of silence (the VAD ends the turn after 0.3 s), in 20 ms chunks at real-time pace. */
async function say(socket: RawPipecatSocket, file: string): Promise<void> {
  const speech = loadSpeechFixture(file).samples;
  const chunks = [...pcmChunks(speech), ...pcmChunks(new Int16Array(16_000))];
  const t0 = performance.now();
  for (const [n, chunk] of chunks.entries()) {
    socket.sendAudio(chunk);
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + (n + 1) * 20 - performance.now())));
  }
}

describe('a burst of session starts', () => {
  it(`gets ${SESSIONS} sessions opened at once to bot-ready, recognises their first turns, and closes them all without leaking decoders`, {
    timeout: 90_000,
  }, async () => {
    expect(pocketsphinxProcesses().decoders).toEqual([]);

    const clients = await Promise.all(Array.from({ length: SESSIONS }, openReady));
    expect(new Set(clients.map((c) => c.sessionId)).size).toBe(SESSIONS);
    expect(t.server.sessions.size).toBe(SESSIONS);
    // One decoder per session (plus at most a warm spare), all forked from one zygote.
    const during = pocketsphinxProcesses();
    expect(during.decoders.length).toBeGreaterThanOrEqual(SESSIONS);
    expect(during.decoders.length).toBeLessThanOrEqual(SESSIONS + 2);
    expect(during.zygotes).toHaveLength(1);

    // The first, the last and three between talk at once; the rest stay quiet.
    const speakers = [0, 12, 25, 37, SESSIONS - 1].map((i) => clients[i].socket);
    await Promise.all(speakers.map((socket) => say(socket, 'weather-tokyo.wav')));
    for (const socket of speakers) {
      const heard = await socket.waitFor(
        (m) => m.type === 'user-transcription' && m.data?.final === true,
        PATIENCE_MS,
      );
      expect(String(heard.data?.text)).toMatch(/weather.*tokyo/);
      await socket.waitFor((m) => m.type === 'bot-started-speaking', PATIENCE_MS);
    }
    const quiet = clients.filter((c) => !speakers.includes(c.socket));
    for (const { socket } of quiet) {
      expect(
        socket.messages.filter((m) => m.type === 'error' || m.type === 'user-transcription'),
      ).toEqual([]);
      expect(socket.closed).toBeUndefined();
    }

    await Promise.all(clients.map(({ socket }) => socket.close()));
    await waitFor(() => t.server.sessions.size === 0, PATIENCE_MS, 'every session to end');
    // Released decoders go back to the pool, which keeps at most two idle.
    await waitFor(
      () => pocketsphinxProcesses().decoders.length <= 2,
      PATIENCE_MS,
      'surplus decoders to exit',
    );

    await closeSharedServices();
    expect(pocketsphinxProcesses()).toEqual({ decoders: [], zygotes: [] });
  });
});
