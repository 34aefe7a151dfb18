/**
 * OpenTelemetry traces of a real conversation: a span per conversation, a
 * child per turn and, under each turn, its STT / LLM / TTS requests, all
 * carrying graph, revision and session; exported to an injected in-memory
 * exporter, and over OTLP/HTTP when the standard variables say so.
 */
import http from 'node:http';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, listenOnLoopback } from '../../fakes/loopbackServer.ts';
import { CapturingLogger } from '../helpers/CapturingLogger.ts';
import { waitFor } from '../helpers/testServer.ts';
import { CASCADE, type CascadeServer, speak, startCascadeServer } from './cascadeConversation.ts';

const ms = ([s, ns]: [number, number]) => s * 1000 + ns / 1e6;
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('a conversation’s spans (in-memory export)', () => {
  let c: CascadeServer;
  const exporter = new InMemorySpanExporter();

  beforeAll(async () => {
    c = await startCascadeServer(
      {
        chat: [{ text: 'Hello from the fake model. How can I help?' }],
        speech: [{ durationMs: 400 }],
      },
      { observability: { traceExporter: exporter, workerId: 'trace-worker' } },
    );
  });
  afterAll(async () => c?.close());

  it('nests stt, llm and tts under the turn under the conversation, with graph, revision and session', {
    timeout: 30_000,
  }, async () => {
    const socket = await c.connect();
    const [info] = c.t.server.sessions.list();
    await speak(socket);
    await waitFor(
      () => exporter.getFinishedSpans().some((s) => s.name === 'turn'),
      20_000,
      'a turn span',
    );
    // The conversation span ends with the session.
    expect(exporter.getFinishedSpans().some((s) => s.name === 'conversation')).toBe(false);
    await socket.close();
    await waitFor(
      () => exporter.getFinishedSpans().some((s) => s.name === 'conversation'),
      5000,
      'the conversation span',
    );

    const spans = exporter.getFinishedSpans();
    const one = (name: string) => {
      const found = spans.filter((s) => s.name === name);
      expect(found, name).toHaveLength(1);
      return found[0];
    };
    const conversation = one('conversation');
    const turn = one('turn');
    const stt = one('stt');
    const llm = one('llm');
    const tts = one('tts');

    // One trace; the conversation is its root; the turn its child; the services the turn's.
    const traceId = conversation.spanContext().traceId;
    for (const span of spans) expect(span.spanContext().traceId).toBe(traceId);
    expect(parentOf(conversation)).toBeUndefined();
    expect(parentOf(turn)).toBe(conversation.spanContext().spanId);
    for (const service of [stt, llm, tts])
      expect(parentOf(service)).toBe(turn.spanContext().spanId);

    for (const span of [conversation, turn, stt, llm, tts])
      expect(span.attributes, span.name).toMatchObject({
        'parley.graph': CASCADE,
        'parley.graph.revision': c.revision,
        'parley.session.id': info.id,
      });
    expect(conversation.attributes).toMatchObject({
      'parley.transport': 'pipecat-websocket',
      'parley.session.turns': 1,
    });
    expect(conversation.resource.attributes['service.name']).toBe('parley');
    expect(conversation.resource.attributes['service.instance.id']).toBe('trace-worker');
    expect(stt.attributes['parley.node.type']).toBe('stt.openai');
    expect(llm.attributes['parley.node.type']).toBe('llm.openai');
    expect(tts.attributes['parley.node.type']).toBe('tts.openai');
    expect(llm.attributes['parley.ttfb_ms']).toBeGreaterThan(0);
    expect(tts.attributes['parley.ttfb_ms']).toBeGreaterThan(0);
    expect(llm.attributes['parley.usage.output_text_tokens']).toBeGreaterThan(0);
    const v2v = turn.attributes['parley.turn.voice_to_voice_ms'];
    expect(v2v).toBeGreaterThan(0);
    expect(turn.attributes['parley.turn.number']).toBe(1);

    // The engine's own times: the waterfall in order, inside the turn, inside the conversation.
    const tolerance = 1;
    expect(ms(turn.startTime)).toBeGreaterThanOrEqual(ms(conversation.startTime) - tolerance);
    expect(ms(turn.endTime)).toBeLessThanOrEqual(ms(conversation.endTime) + tolerance);
    for (const service of [stt, llm, tts]) {
      expect(ms(service.startTime)).toBeGreaterThanOrEqual(ms(turn.startTime) - tolerance);
      expect(ms(service.endTime)).toBeLessThanOrEqual(ms(turn.endTime) + tolerance);
      expect(ms(service.endTime)).toBeGreaterThanOrEqual(ms(service.startTime));
    }
    expect(ms(llm.startTime)).toBeGreaterThanOrEqual(ms(stt.endTime) - tolerance);
    expect(ms(tts.startTime)).toBeGreaterThanOrEqual(ms(llm.endTime) - tolerance);
    // First audio out is at least the TTS's first audio: voice-to-voice covers the whole waterfall.
    const speechEnd =
      ms(stt.endTime) - Number(stt.attributes['parley.first_output_after_speech_end_ms']);
    expect(speechEnd + Number(v2v)).toBeGreaterThanOrEqual(ms(tts.endTime) - tolerance);
  });
});

/** A stand-in OpenTelemetry collector: records what arrives at its OTLP/HTTP traces endpoint. */
class FakeCollector {
  readonly posts: Array<{ path: string; contentType: string | undefined; body: string }> = [];
  /** What it answers: 200, or an error a collector gives when it refuses a batch. */
  status = 200;
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.posts.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      });
      res.writeHead(this.status, { 'content-type': 'application/json' }).end('{}');
    });
  });

  async start(): Promise<string> {
    return `http://127.0.0.1:${await listenOnLoopback(this.server)}`;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }
}

describe('OTLP/HTTP export from the environment', () => {
  it('batches spans to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces and flushes them on close', {
    timeout: 30_000,
  }, async () => {
    const collector = new FakeCollector();
    const endpoint = await collector.start();
    const c = await startCascadeServer(
      {},
      { env: { OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}/`, OTEL_SERVICE_NAME: 'parley-test' } },
    );
    let closed = false;
    try {
      const socket = await c.connect();
      const [info] = c.t.server.sessions.list();
      await socket.close();
      await waitFor(() => c.t.server.sessions.size === 0, 5000, 'session end');
      // Batched: nothing leaves before the batch delay or a flush.
      expect(collector.posts).toHaveLength(0);
      await c.close();
      closed = true;
      expect(collector.posts.length).toBeGreaterThan(0);
      const post = collector.posts[0];
      expect(post.path).toBe('/v1/traces');
      expect(post.contentType).toMatch(/^application\/json/);
      expect(post.body).toContain('"parley-test"');
      expect(post.body).toContain('"conversation"');
      expect(post.body).toContain(info.id);
    } finally {
      if (!closed) await c.close();
      await collector.stop();
    }
  });

  it('logs that spans are being dropped when the collector refuses them', {
    timeout: 30_000,
  }, async () => {
    const collector = new FakeCollector();
    collector.status = 400; // not retried by the exporter: the batch is lost at once
    const endpoint = await collector.start();
    const logger = new CapturingLogger();
    const c = await startCascadeServer(
      {},
      { logger, env: { OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}/` } },
    );
    let closed = false;
    try {
      const socket = await c.connect();
      await socket.close();
      await waitFor(() => c.t.server.sessions.size === 0, 5000, 'session end');
      await c.close();
      closed = true;
      expect(collector.posts.length).toBeGreaterThan(0);
      const dropped = logger.lines.filter(
        (l) => l.msg === 'trace export failed: spans are being dropped',
      );
      expect(dropped).toHaveLength(1);
      expect(dropped[0]).toMatchObject({ level: 'warn', fields: { component: 'observability' } });
      expect(dropped[0].fields.lostSpans).toBeGreaterThan(0);
    } finally {
      if (!closed) await c.close();
      await collector.stop();
    }
  });
});
