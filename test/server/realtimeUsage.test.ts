import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metric } from '../../engine/core/frames.ts';
import { GRAPH_VERSION } from '../../engine/graph/GraphDocument.ts';
import type { RealtimeEventSender } from '../../server/transports/realtime/RealtimeEventSender.ts';
import { RealtimeItems } from '../../server/transports/realtime/RealtimeItems.ts';
import { ResponseStream } from '../../server/transports/realtime/ResponseStream.ts';
import { RawRealtimeSocket } from './helpers/RawRealtimeSocket.ts';
import { startTestServer, type TestServer } from './helpers/testServer.ts';

/** Collects what the stream sends; ids count up. */
interface Sent {
  type: string;
  response: { usage: Record<string, unknown> | null };
}

function sender() {
  const sent: Sent[] = [];
  let n = 0;
  const events = {
    id: (kind: string) => `${kind}_${++n}`,
    send: (event: Sent) => sent.push(event),
  } as unknown as RealtimeEventSender;
  return { events, sent };
}

const metric = (name: string, source: string, value: number, detail = {}): Metric => ({
  name,
  source,
  value,
  detail,
});

describe('/v1/realtime response.done usage', () => {
  it('reports the graph’s tokens since the last response, in the Realtime shape', () => {
    const { events, sent } = sender();
    const stream = new ResponseStream(events, new RealtimeItems(), () => ({
      format: { type: 'audio/pcm', rate: 24000 },
      voice: 'alloy',
    }));
    // A cascade's LLM (Anthropic-style cache read) and a speech-to-speech node; STT/TTS are not tokens.
    stream.metric(metric('stt.usage', 'ear', 2.5));
    stream.metric(
      metric('llm.usage', 'llm', 140, {
        promptTokens: 100,
        completionTokens: 40,
        cacheReadTokens: 60,
      }),
    );
    stream.metric(
      metric('s2s.usage', 's2s', 90, {
        promptTokens: 50,
        completionTokens: 40,
        inputTextTokens: 20,
        inputAudioTokens: 30,
        outputTextTokens: 10,
        outputAudioTokens: 30,
      }),
    );
    stream.metric(metric('tts.usage', 'voice', 42));
    stream.text('Hi.');
    stream.finish({ status: 'completed' });
    const done = sent.find((e) => e.type === 'response.done')!;
    expect(done.response.usage).toEqual({
      total_tokens: 230,
      input_tokens: 150,
      output_tokens: 80,
      input_token_details: { text_tokens: 120, audio_tokens: 30, cached_tokens: 60 },
      output_token_details: { text_tokens: 50, audio_tokens: 30 },
    });
    const created = sent.find((e) => e.type === 'response.created')!;
    expect(created.response.usage).toBeNull();

    // The next response reports only what came after.
    stream.metric(metric('llm.usage', 'llm', 12, { promptTokens: 10, completionTokens: 2 }));
    stream.text('Bye.');
    stream.finish({ status: 'completed' });
    const next = sent.filter((e) => e.type === 'response.done')[1]!;
    expect(next.response.usage).toMatchObject({ total_tokens: 12, input_tokens: 10 });
  });
});

/** A typed turn through an offline cascade: the rules LLM (estimated tokens) and Flite. */
describe('/v1/realtime response.done usage from a running graph', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    const node = (id: string, type: string) => ({ id, type, config: {} });
    const edge = (source: string, target: string) => ({
      id: `${source}-${target}`,
      source,
      target,
    });
    const graph = {
      version: GRAPH_VERSION,
      name: 'usage',
      nodes: [
        node('in', 'transport.input'),
        node('user', 'context.user'),
        node('brain', 'llm.rules'),
        node('sentences', 'text.sentences'),
        node('voice', 'tts.flite'),
        node('out', 'transport.output'),
      ],
      edges: [
        edge('in', 'user'),
        edge('user', 'brain'),
        edge('brain', 'sentences'),
        edge('sentences', 'voice'),
        edge('voice', 'out'),
      ],
    };
    await writeFile(path.join(t.dir, 'usage.json'), JSON.stringify(graph));
  });
  afterAll(async () => {
    await t.close();
  });

  it('is non-zero and adds up', { timeout: 30_000 }, async () => {
    const s = await RawRealtimeSocket.ready(`${t.wsUrl}/v1/realtime?graph=usage`);
    s.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] },
    });
    s.send({ type: 'response.create' });
    const done = await s.log.next('response.done', { timeoutMs: 25_000 });
    const usage = done.response.usage;
    expect(usage.input_token_details.text_tokens).toBeGreaterThan(0);
    expect(usage.output_token_details.text_tokens).toBeGreaterThan(0);
    expect(usage.input_tokens).toBe(
      usage.input_token_details.text_tokens + usage.input_token_details.audio_tokens,
    );
    expect(usage.output_tokens).toBe(
      usage.output_token_details.text_tokens + usage.output_token_details.audio_tokens,
    );
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    await s.close();
  });
});
