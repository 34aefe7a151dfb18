import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGraphOnWav } from '../../bin/runGraphOnWav.ts';
import { rms } from '../../engine/audio/level.ts';
import type { Frame } from '../../engine/core/frames.ts';
import { closeSharedServices } from '../../engine/providers/sharedServices.ts';
import { FakeOpenMeteo } from '../fakes/FakeOpenMeteo.ts';
import { startLiveSession } from '../helpers/liveSession.ts';
import { utterancePath } from './agentUtterances.ts';

let weather: FakeOpenMeteo;
let weatherUrl: string;

function defaultGraph() {
  const graph = JSON.parse(readFileSync('graphs/voice-agent.json', 'utf8')) as {
    nodes: Array<{ id: string; config: Record<string, unknown> }>;
  };
  const tool = graph.nodes.find((n) => n.id === 'weather')!;
  tool.config = { ...tool.config, baseUrl: weatherUrl, geocodingBaseUrl: weatherUrl };
  return graph;
}

const audioOf = (frames: Frame[]) => frames.flatMap((f) => (f.type === 'audio.out' ? [f] : []));

beforeAll(async () => {
  weather = new FakeOpenMeteo();
  weatherUrl = await weather.start();
});
afterAll(async () => {
  await weather.stop();
  await closeSharedServices();
});

describe('the offline voice agent (graphs/voice-agent.json)', () => {
  it('CLI: turns a spoken weather question into a spoken answer naming Tokyo and its weather', async () => {
    const result = await runGraphOnWav({
      graphPath: 'graphs/voice-agent.json',
      inPath: utterancePath('weather-tokyo.wav'),
      overrides: [`weather.baseUrl="${weatherUrl}"`, `weather.geocodingBaseUrl="${weatherUrl}"`],
      timeoutMs: 20_000,
    });
    expect(result.errors).toEqual([]);
    expect(result.userText.join(' ').toLowerCase()).toMatch(/weather.*tokyo/);
    const said = result.botText.join(' ');
    expect(said).toContain('In Tokyo it is 18 degrees Celsius, partly cloudy.');
    expect(result.audio.sampleRate).toBe(16000);
    const seconds = result.audio.samples.length / result.audio.sampleRate;
    expect(seconds).toBeGreaterThan(2);
    expect(seconds).toBeLessThan(15);
    expect(rms(result.audio.samples)).toBeGreaterThan(300);
    expect(result.turns[0]?.voiceToVoiceMs).toBeGreaterThan(0);
  }, 60_000);

  it('runs WAV in → transcript → rules → weather tool call → speech out, frame by frame', async () => {
    const session = await startLiveSession(defaultGraph());
    await session.say(utterancePath('weather-tokyo.wav'));
    await session.until(
      () => session.output.some(({ frame }) => frame.type === 'bot.speaking.stopped'),
      15_000,
      'the bot to finish',
    );
    const types = session.created.map((f) => f.type);
    const order = [
      'user.speaking.started',
      'user.speaking.stopped',
      'transcript.final',
      'llm.context',
      'llm.response.start',
      'llm.tool.call',
      'llm.tool.result',
      'tts.text',
      'audio.out',
      'llm.response.end',
    ];
    const positions = order.map((t) => types.indexOf(t as Frame['type']));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions.slice(0, 7)).toEqual([...positions.slice(0, 7)].sort((a, b) => a - b));
    const call = session.created.find((f) => f.type === 'llm.tool.call');
    expect(call?.type === 'llm.tool.call' && call.calls[0].name).toBe('get_weather');
    const out = audioOf(session.output.map((o) => o.frame));
    expect(out.length).toBeGreaterThan(10);
    expect(out.every((f) => f.sampleRate === 16000)).toBe(true);
    expect(session.errors).toEqual([]);
    expect(session.runner.session.conversation.messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    session.runner.cancel();
  }, 60_000);

  it('stops the bot when the user talks over it and keeps only what was heard', async () => {
    const session = await startLiveSession(defaultGraph());
    await session.say(utterancePath('joke-rms.wav'), 300);
    await session.until(
      () => session.output.some(({ frame }) => frame.type === 'bot.speaking.started'),
      15_000,
      'the bot to start talking',
    );
    await session.silence(700);
    const bargeInAt = performance.now();
    await session.say(utterancePath('weather-london.wav'), 0);
    const userDoneAt = performance.now();
    const stopped = session.output.find(
      ({ frame, at }) => frame.type === 'bot.speaking.stopped' && at > bargeInAt,
    );
    expect(stopped).toBeDefined();
    // The bot stops while the user is still talking, and stays quiet until they finish
    // (how fast it stops is measured by `npm run bench:latency`, interruptStopMs).
    expect(stopped!.at).toBeLessThan(userDoneAt);
    const botAudioWhileUserTalks = session.output.filter(
      ({ frame, at }) => frame.type === 'audio.out' && at > stopped!.at && at < userDoneAt,
    );
    expect(botAudioWhileUserTalks).toEqual([]);
    const joke = session.runner.session.conversation.messages.find((m) => m.role === 'assistant');
    expect(joke?.content.length).toBeGreaterThan(0);
    expect(joke!.content.length).toBeLessThan(
      'Why do programmers prefer dark mode? Because light attracts bugs.'.length,
    );
    session.runner.cancel();
  }, 60_000);
});
