/**
 * A session's usage and cost as the server reports it (`GET /api/sessions/:id`):
 * the offline agent over the Pipecat WebSocket transport, priced through the
 * graph's own `prices` key (the offline nodes have no list price), so the
 * whole path — turn records, the price lookup by node id, the session sum and
 * its cost per minute — runs as a deployment runs it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../../engine/audio/wav.ts';
import type { SessionDetail } from '../../server/api/restTypes.ts';
import { RawPipecatSocket } from './helpers/RawPipecatSocket.ts';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

const PRICES = {
  llm: { inputTextPerMTokens: 1000, outputTextPerMTokens: 4000 },
  'tts.flite': { ttsPerMCharacters: 500 },
};

const SPEECH = path.resolve(import.meta.dirname, '../fixtures/speech');

/** A fixture as a microphone sends it, 20 ms at a time at twice real time, then a second of silence. */
async function speak(s: RawPipecatSocket, file: string): Promise<void> {
  const { samples, sampleRate } = readWav(readFileSync(file));
  const audio = new Int16Array([...samples, ...new Int16Array(sampleRate)]);
  const chunk = sampleRate / 50;
  for (let at = 0; at < audio.length; at += chunk) {
    s.sendAudio(audio.subarray(at, at + chunk), sampleRate);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('session usage and cost through the server', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    const file = path.resolve(import.meta.dirname, '../../graphs/voice-agent.json');
    const graph = { ...JSON.parse(readFileSync(file, 'utf8')), name: 'priced', prices: PRICES };
    expect((await t.api('POST', '/api/graphs', { name: 'priced', graph })).status).toBe(201);
  });
  afterAll(async () => t.close());

  it('sums each turn’s tokens and characters, priced by node id and by type, per session and per minute', {
    timeout: 30_000,
  }, async () => {
    const s = await RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=priced`);
    const [info] = t.server.sessions.list();
    const detail = async () =>
      (await t.api('GET', `/api/sessions/${info.id}`)).body as SessionDetail;
    expect((await detail()).usage).toMatchObject({ turns: 0, usage: {} });

    // Turn records start at the user's speech: spoken turns, not typed ones.
    for (const [i, fixture] of ['joke-rms.wav', 'thank-you.wav'].entries()) {
      await speak(s, path.join(SPEECH, fixture));
      await waitFor(async () => (await detail()).usage.turns === i + 1, 20_000, `turn ${i + 1}`);
    }
    const { usage } = await detail();
    const llm = usage.usage.llm;
    const tts = usage.usage.tts;
    // The rule-based responder reports no usage of its own: estimated, and marked so.
    expect(llm).toMatchObject({ estimated: true });
    expect(llm.inputTextTokens).toBeGreaterThan(0);
    expect(llm.outputTextTokens).toBeGreaterThan(0);
    expect(tts.ttsCharacters).toBeGreaterThan(10);
    const expected =
      (llm.inputTextTokens! * 1000 + llm.outputTextTokens! * 4000 + tts.ttsCharacters! * 500) / 1e6;
    expect(usage.costUsd).toBeCloseTo(expected, 9);
    expect(usage.minutes).toBeGreaterThan(0);
    expect(usage.costPerMinuteUsd).toBeCloseTo(expected / usage.minutes, 6);
    await s.close();
  });
});
