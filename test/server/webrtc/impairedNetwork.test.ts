import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealGraphServer, startRealGraphServer } from '../helpers/realGraphServer.ts';
import { impairedCall, voiceAgentGraph, wordsRecognised } from './impairedCall.ts';
import { NO_IMPAIRMENT } from './UdpImpairmentRelay.ts';

/**
 * Issue 14, "real networks": the voice agent over WebRTC through a UDP relay that drops 5 %
 * of RTP packets and delays each by 0–40 ms (so they also reorder), both ways. Fixtures that
 * pocketsphinx hears well on a clean path; the bot answers each, and its replies are what
 * the listener's playout is judged on.
 */
const FIXTURES = ['how-are-you.wav', 'what-time.wav'];
/** A fixed jitter buffer with room for 40 ms of jitter and a busy test machine. */
const PLAYOUT_DELAY_MS = 100;

describe('WebRTC over an impaired network', () => {
  let t: RealGraphServer;
  beforeAll(async () => {
    t = await startRealGraphServer({ 'voice-agent': voiceAgentGraph() });
  }, 30_000);
  afterAll(async () => {
    await t?.close();
  });

  it('control: a clean path hears every word and plays the bot without gaps', {
    timeout: 90_000,
  }, async () => {
    const call = await impairedCall({
      serverUrl: t.url,
      graph: 'voice-agent',
      up: NO_IMPAIRMENT,
      down: NO_IMPAIRMENT,
      fixtures: FIXTURES,
      playoutDelayMs: PLAYOUT_DELAY_MS,
    });
    expect(call.relay.up.media).toBeGreaterThan(100); // the media did go through the relay
    expect(call.relay.down.dropped).toBe(0);
    expect(wordsRecognised(call.heard)).toBeGreaterThanOrEqual(0.8);
    expect(call.playout.speechMs).toBeGreaterThan(3000); // the replies were heard
    expect(call.playout.lostMs).toBe(0);
    // Only scheduling noise (this process also runs the models, cold in the first call) can
    // make a packet late on loopback.
    expect(call.playout.gapMs / call.playout.speechMs).toBeLessThan(0.05);
  });

  it('5 % loss and 40 ms jitter: the transcript is recognisable and the bot stays continuous', {
    timeout: 90_000,
  }, async () => {
    const call = await impairedCall({
      serverUrl: t.url,
      graph: 'voice-agent',
      up: { loss: 0.05, jitterMs: 40, seed: 14 },
      down: { loss: 0.05, jitterMs: 40, seed: 41 },
      fixtures: FIXTURES,
      playoutDelayMs: PLAYOUT_DELAY_MS,
    });
    // The impairment happened, in both directions, at about the rate asked for.
    for (const direction of [call.relay.up, call.relay.down]) {
      expect(direction.dropped / direction.media).toBeGreaterThan(0.02);
      expect(direction.dropped / direction.media).toBeLessThan(0.09);
      expect(direction.reordered).toBeGreaterThan(0);
    }
    // Microphone: the server conceals what was lost and every utterance is still heard as
    // words. How many of them survive depends on which 20 ms of a short utterance were lost
    // (44–85 % of the 13 reference words over runs here, 85 % clean; 10 % loss gives 23–31 %).
    expect(call.heard.every((h) => h.hypothesis !== '')).toBe(true);
    expect(wordsRecognised(call.heard)).toBeGreaterThanOrEqual(0.35);
    // Bot: gaps are the lost packets (about the loss rate), isolated, never a silence. (The
    // server's own stalls, `stalledMs`, are not the network's and not judged here.)
    const { speechMs, gapMs, lostMs, longestGapMs } = call.playout;
    expect(speechMs).toBeGreaterThan(3000);
    expect(lostMs / speechMs).toBeGreaterThan(0.01);
    expect(gapMs / speechMs).toBeLessThan(0.12);
    expect(longestGapMs).toBeLessThanOrEqual(200);
  });
});
