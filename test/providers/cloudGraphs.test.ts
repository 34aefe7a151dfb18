import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import type { Frame } from '../../engine/core/frames.ts';
import type { GraphDocument } from '../../engine/graph/GraphDocument.ts';
import { GraphRunner } from '../../engine/graph/GraphRunner.ts';
import { MissingCredentialError } from '../../engine/graph/NodeRegistry.ts';
import { validateGraph } from '../../engine/graph/validateGraph.ts';
import { FakeOpenAI } from '../fakes/FakeOpenAI.ts';
import { FakeOpenAIRealtime } from '../fakes/FakeOpenAIRealtime.ts';
import { FakeOpenMeteo } from '../fakes/FakeOpenMeteo.ts';
import { TEST_KEY, waitFor } from './providerTestKit.ts';

const load = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../../graphs/${name}.json`, import.meta.url), 'utf8'),
  ) as GraphDocument;
const registry = createDefaultRegistry();

describe('cloud graphs', () => {
  const needs: Record<string, string[]> = {
    'openai-cascade': ['OPENAI_API_KEY'],
    'deepgram-openai': ['DEEPGRAM_API_KEY', 'OPENAI_API_KEY'],
    'openai-realtime': ['OPENAI_API_KEY'],
    'anthropic-cascade': ['DEEPGRAM_API_KEY', 'ANTHROPIC_API_KEY'],
  };

  for (const [name, variables] of Object.entries(needs)) {
    it(`${name} is valid and refuses to start without each key, naming the variable`, () => {
      const doc = load(name);
      const validation = validateGraph(doc, registry);
      expect(validation.ok ? [] : validation.errors).toEqual([]);
      expect(validation.warnings).toEqual([]);
      const all = Object.fromEntries(variables.map((v) => [v, 'k']));
      for (const missing of variables) {
        const env = { ...all, [missing]: undefined };
        expect(() => new GraphRunner(doc, { registry, env })).toThrow(MissingCredentialError);
        expect(() => new GraphRunner(doc, { registry, env })).toThrow(
          new RegExp(`environment variable ${missing}\\b`),
        );
      }
      const runner = new GraphRunner(doc, { registry, env: all });
      runner.cancel();
    });
  }

  describe('openai-cascade end to end against the fakes', () => {
    let openai: FakeOpenAI;
    let meteo: FakeOpenMeteo;
    let runner: GraphRunner | undefined;
    afterEach(async () => {
      runner?.cancel();
      await openai?.stop();
      await meteo?.stop();
    });

    it('answers a typed question with a tool call, the weather service and spoken audio', async () => {
      openai = new FakeOpenAI({
        apiKey: TEST_KEY,
        chat: [
          { toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"location":"Tokyo"}' }] },
          { text: 'It is 18 degrees in Tokyo. Enjoy!' },
        ],
        speech: [{ durationMs: 200 }, { durationMs: 100 }],
      });
      meteo = new FakeOpenMeteo();
      const [baseUrl, meteoUrl] = await Promise.all([openai.start(), meteo.start()]);
      const doc = load('openai-cascade');
      for (const node of doc.nodes) {
        if (['llm.openai', 'tts.openai', 'stt.openai'].includes(node.type))
          node.config = { ...node.config, baseUrl };
        if (node.type === 'tool.weather')
          node.config = { ...node.config, baseUrl: meteoUrl, geocodingBaseUrl: meteoUrl };
      }
      runner = new GraphRunner(doc, {
        registry,
        env: { OPENAI_API_KEY: TEST_KEY, PARLEY_ALLOWED_ENDPOINTS: baseUrl },
      });
      const out: Frame[] = [];
      const up: Frame[] = [];
      runner.onOutput((f) => out.push(f));
      runner.onUpstream((f) => up.push(f));
      await runner.start();
      runner.push(runner.createFrame('text.input', { text: 'What is the weather in Tokyo?' }));
      await waitFor(
        undefined,
        () =>
          out.some((f) => f.type === 'bot.speaking.stopped') &&
          out.filter((f) => f.type === 'tts.text').length === 2,
        { timeoutMs: 10_000 },
      );

      expect(up.filter((f) => f.type === 'error')).toEqual([]);
      const audio = out.flatMap((f) => (f.type === 'audio.out' ? [f] : []));
      expect(audio.reduce((n, f) => n + f.audio.length, 0)).toBe(7200); // 300 ms at 24 kHz
      expect(out.flatMap((f) => (f.type === 'tts.text' ? [f.text] : []))).toEqual([
        'It is 18 degrees in Tokyo.',
        'Enjoy!',
      ]);
      expect(meteo.requests.map((r) => r.split('?')[0])).toEqual(['/v1/search', '/v1/forecast']);
      const second = openai.requestsTo('/v1/chat/completions')[1].json!.messages as Array<{
        role: string;
        content?: string;
      }>;
      expect(second.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
      expect(second[3].content).toContain('Tokyo');
      await waitFor(undefined, () => runner!.session.conversation.messages.length === 4);
      expect(runner.session.conversation.messages.at(-1)).toMatchObject({
        role: 'assistant',
        content: 'It is 18 degrees in Tokyo. Enjoy!',
      });
    });
  });

  describe('openai-realtime end to end against the fake', () => {
    let fake: FakeOpenAIRealtime;
    let meteo: FakeOpenMeteo;
    let runner: GraphRunner | undefined;
    afterEach(async () => {
      runner?.cancel();
      await fake?.stop();
      await meteo?.stop();
    });

    it('speaks, uses the weather tool, and stops the paced output on barge-in', async () => {
      fake = new FakeOpenAIRealtime({
        apiKey: TEST_KEY,
        responses: [
          {
            functionCalls: [
              { name: 'get_weather', arguments: '{"location":"Tokyo"}', callId: 'c1' },
            ],
          },
          { transcript: 'It is 18 degrees in Tokyo.', audioMs: 3000, chunkMs: 100 },
        ],
      });
      meteo = new FakeOpenMeteo();
      const [baseUrl, meteoUrl] = await Promise.all([fake.start(), meteo.start()]);
      const doc = load('openai-realtime');
      for (const node of doc.nodes) {
        if (node.type === 's2s.openai-realtime') node.config = { ...node.config, baseUrl };
        if (node.type === 'tool.weather')
          node.config = { ...node.config, baseUrl: meteoUrl, geocodingBaseUrl: meteoUrl };
      }
      runner = new GraphRunner(doc, {
        registry,
        env: { OPENAI_API_KEY: TEST_KEY, PARLEY_ALLOWED_ENDPOINTS: baseUrl },
      });
      const out: Frame[] = [];
      runner.onOutput((f) => out.push(f));
      await runner.start();
      await waitFor(
        undefined,
        () =>
          fake.sessions.length === 1 &&
          fake.eventsOf(fake.sessions[0], 'session.update').length > 0,
      );
      const session = fake.sessions[0];
      const update = fake.eventsOf(session, 'session.update')[0] as {
        session: { tools: Array<{ name: string }> };
      };
      expect(update.session.tools.map((t) => t.name)).toEqual(['get_weather']);

      void fake.userSpeaks(session, 'Weather in Tokyo?');
      await waitFor(undefined, () => out.some((f) => f.type === 'bot.speaking.started'), {
        timeoutMs: 5000,
      });
      await new Promise((r) => setTimeout(r, 300)); // the paced output plays in real time
      fake.speechStarted(session);
      await waitFor(undefined, () => out.some((f) => f.type === 'bot.speaking.stopped'));
      const played =
        out.reduce((n, f) => n + (f.type === 'audio.out' ? f.audio.length : 0), 0) / 24;
      expect(played).toBeGreaterThan(150);
      expect(played).toBeLessThan(1000); // of 3000 ms: the rest was never played
      await waitFor(
        undefined,
        () => fake.eventsOf(session, 'conversation.item.truncate').length === 1,
      );
      const truncate = fake.eventsOf(session, 'conversation.item.truncate')[0] as {
        audio_end_ms: number;
      };
      expect(truncate.audio_end_ms).toBeGreaterThan(150);
      expect(truncate.audio_end_ms).toBeLessThanOrEqual(played + 60);
      expect(meteo.requests).toHaveLength(2);
    });
  });
});
