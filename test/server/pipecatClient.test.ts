import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tone } from './helpers/echoBotNodes.ts';
import { countEvents, createPipecatTestClient } from './helpers/pipecatTestClient.ts';
import { startTestServer, type TestServer, waitFor } from './helpers/testServer.ts';

/** The official Pipecat JS client, unmodified, against /ws/pipecat. */
describe('official Pipecat client over /ws/pipecat', () => {
  let t: TestServer;
  beforeAll(async () => {
    // The transport's socket wrapper logs every connect and close with console.debug.
    vi.spyOn(console, 'debug').mockImplementation(() => undefined);
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('connects, talks by text and by voice, gets transcripts and 24 kHz bot audio, and barges in', {
    timeout: 20_000,
  }, async () => {
    const { client, media, events } = createPipecatTestClient();
    const ready = (await client.connect({ wsUrl: `${t.wsUrl}/ws/pipecat?graph=echo` })) as {
      version: string;
      about: { library: string };
    };
    expect(ready.version).toBe('2.1.0');
    expect(ready.about.library).toBe('parley');
    expect(t.server.sessions.list()).toMatchObject([
      { graph: 'echo', transport: 'pipecat-websocket' },
    ]);

    // Text turn: the whole reply plays out; the graph speaks 16 kHz, the client gets 24 kHz.
    await client.sendText('hello');
    await waitFor(
      () => countEvents(events, 'bot-stopped-speaking') >= 1,
      5000,
      'first reply to finish',
    );
    expect(events.log.find((e) => e.type === 'bot-llm-text')?.data).toEqual({
      text: 'echo: hello',
    });
    expect(events.log.find((e) => e.type === 'bot-tts-text')?.data).toEqual({
      text: 'echo: hello',
    });
    expect(events.log.find((e) => e.type === 'bot-output')?.data).toMatchObject({
      text: 'echo: hello',
      spoken: true,
    });
    for (const type of [
      'bot-llm-started',
      'bot-llm-stopped',
      'bot-tts-started',
      'bot-tts-stopped',
      'bot-started-speaking',
    ])
      expect(countEvents(events, type)).toBeGreaterThanOrEqual(1);
    const metrics = events.log.find((e) => e.type === 'metrics')?.data as {
      ttfb: Array<{ processor: string; value: number }>;
    };
    expect(metrics.ttfb).toEqual([{ processor: 'bot', value: 0.0125 }]);
    // 1.5 s at 24 kHz, give or take the resampler's filter delay.
    expect(media.botSamples).toBeGreaterThan(36000 * 0.97);
    expect(media.botSamples).toBeLessThanOrEqual(36000);

    // Voice turn: 600 ms of "speech" then silence → transcripts → a reply.
    const speech = tone(600, 16000, 300, 12000);
    await media.speak(speech);
    await media.speak(new Int16Array(16000 * 0.3));
    await waitFor(() => events.transcripts.some((x) => x.final), 3000, 'final transcript');
    expect(events.transcripts.some((x) => !x.final && x.text.startsWith('hearing'))).toBe(true);
    const final = events.transcripts.find((x) => x.final)!;
    expect(final.text).toMatch(/^heard \d+ ms$/);
    expect(countEvents(events, 'user-started-speaking')).toBe(1);
    expect(countEvents(events, 'user-stopped-speaking')).toBe(1);

    // Barge in while the reply plays: bot audio stops at once.
    await waitFor(
      () => countEvents(events, 'bot-started-speaking') >= 2,
      3000,
      'second reply to start',
    );
    await new Promise((r) => setTimeout(r, 300));
    const speakingStopsBefore = countEvents(events, 'bot-stopped-speaking');
    await media.speak(tone(100, 16000, 300, 12000));
    await waitFor(() => countEvents(events, 'user-started-speaking') >= 2, 2000, 'barge-in');
    const bargeInAt = events.log.filter((e) => e.type === 'user-started-speaking')[1].at;
    await waitFor(
      () => countEvents(events, 'bot-stopped-speaking') > speakingStopsBefore,
      1000,
      'bot to stop',
    );
    await new Promise((r) => setTimeout(r, 400));
    // The bot's own reply to the barge-in has not come yet (the user is still "speaking"), so nothing after ~60 ms.
    const late = media.botAudio.filter((a) => a.at > bargeInAt + 80);
    expect(late).toEqual([]);

    await client.disconnect();
    await waitFor(() => t.server.sessions.size === 0, 2000, 'session teardown');
  });

  it('answers client-message with server-response and unknown ones with an error-response', {
    timeout: 10_000,
  }, async () => {
    const { client } = createPipecatTestClient();
    await client.connect({ wsUrl: `${t.wsUrl}/ws/pipecat?graph=echo` });
    await expect(client.sendClientRequest('ping', { n: 1 })).resolves.toEqual({
      pong: true,
      echo: { n: 1 },
    });
    const info = (await client.sendClientRequest('session-info', {})) as { graph: string };
    expect(info.graph).toBe('echo');
    await expect(client.sendClientRequest('nope', {}, 2000)).rejects.toBeDefined();
    await client.disconnect();
  });

  it('reports a graph that cannot start, naming the node and the missing variable', {
    timeout: 10_000,
  }, async () => {
    const { client, events } = createPipecatTestClient();
    const connecting = client
      .connect({ wsUrl: `${t.wsUrl}/ws/pipecat?graph=keyed` })
      .catch((e: unknown) => e);
    await waitFor(() => events.errors.length > 0, 3000, 'error');
    const first = events.errors[0] as { data: { error: string; fatal: boolean } };
    expect(first.data.fatal).toBe(true);
    expect(first.data.error).toContain("node 'llm' needs the environment variable TEST_API_KEY");
    void connecting;
    await client.disconnect().catch(() => undefined);
    const health = await t.api('GET', '/api/health');
    expect(health.status).toBe(200);
  });
});
