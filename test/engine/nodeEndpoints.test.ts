import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { GraphRunner } from '../../engine/graph/GraphRunner.ts';
import { applyGraph } from '../../engine/graph/HotReloader.ts';
import {
  defineProcessorNode,
  EndpointNotAllowedError,
  NodeEnvironmentError,
} from '../../engine/graph/NodeRegistry.ts';
import { chainGraph, PassThrough, testRegistry } from '../helpers/testProcessors.ts';

/** A node that sends TEST_API_KEY to its `url`, and counts how often it was built. */
function sendingNode() {
  const built: string[] = [];
  const def = defineProcessorNode({
    type: 'test.sends-key',
    category: 'llm',
    title: 'Sends a key',
    description: 'sends TEST_API_KEY to url',
    config: z.object({ url: z.string().default('') }),
    consumes: ['*'],
    produces: ['*'],
    credentials: ['TEST_API_KEY'],
    endpoint: { configKey: 'url', defaults: ['https://api.provider.example/v1'] },
    create: (_config, ctx) => {
      built.push(ctx.endpoint ?? '(none)');
      return new PassThrough(ctx.nodeId);
    },
  });
  const registry = testRegistry().register(def);
  return { registry, built };
}

const KEY = { TEST_API_KEY: 'k' };

describe('where a node may send its key', () => {
  it('every built-in type with credentials declares where they go, on a config key it has', () => {
    const registry = createDefaultRegistry();
    const keyed = registry.list().filter((info) => info.credentials.length > 0);
    expect(keyed.length).toBeGreaterThan(0);
    for (const info of keyed) {
      const endpoints = registry.endpoints(info.type, {});
      expect(endpoints, info.type).toBeDefined();
      expect(
        Object.keys((info.configSchema as { properties: Record<string, unknown> }).properties),
        info.type,
      ).toContain(endpoints!.configKey);
    }
  });

  it('refuses a type whose endpoint key could change live (a live update skips the check)', () => {
    const def = defineProcessorNode({
      type: 'test.live-endpoint',
      category: 'llm',
      title: 't',
      description: 't',
      config: z.object({ url: z.string().default('') }),
      consumes: ['*'],
      produces: ['*'],
      credentials: ['TEST_API_KEY'],
      liveKeys: ['url'],
      endpoint: { configKey: 'url', defaults: ['https://api.provider.example'] },
      create: (_c, ctx) => new PassThrough(ctx.nodeId),
    });
    expect(() => testRegistry().register(def)).toThrow(
      /'url' chooses where credentials go, so it cannot be a live key/,
    );
  });

  it('builds a node with the checked URL, never the raw one', () => {
    const { registry, built } = sendingNode();
    new GraphRunner(chainGraph([{ id: 'cloud', type: 'test.sends-key', config: {} }]), {
      registry,
      env: KEY,
    }).cancel();
    new GraphRunner(
      chainGraph([
        {
          id: 'cloud',
          type: 'test.sends-key',
          config: { url: 'HTTPS://API.provider.example:443/v1/chat/' },
        },
      ]),
      { registry, env: KEY },
    ).cancel();
    new GraphRunner(
      chainGraph([{ id: 'cloud', type: 'test.sends-key', config: { url: 'mine' } }]),
      { registry, env: { ...KEY, PARLEY_ALLOWED_ENDPOINTS: 'mine=http://127.0.0.1:7/x' } },
    ).cancel();
    expect(built).toEqual([
      'https://api.provider.example/v1',
      'https://api.provider.example/v1/chat',
      'http://127.0.0.1:7/x',
    ]);
  });

  it('refuses a graph naming a foreign host before the node is created', () => {
    const { registry, built } = sendingNode();
    const doc = chainGraph([
      { id: 'cloud', type: 'test.sends-key', config: { url: 'http://127.0.0.1:9' } },
    ]);
    expect(() => new GraphRunner(doc, { registry, env: KEY })).toThrow(EndpointNotAllowedError);
    expect(() => new GraphRunner(doc, { registry, env: KEY })).toThrow(
      "node 'cloud': url http://127.0.0.1:9 is not an endpoint this server sends TEST_API_KEY to; allowed: https://api.provider.example/v1 — add it to PARLEY_ALLOWED_ENDPOINTS",
    );
    expect(built).toEqual([]);
    // One kind of error for hosts: a missing key and a refused endpoint are reported alike.
    expect(() => new GraphRunner(doc, { registry, env: KEY })).toThrow(NodeEnvironmentError);
    expect(() => new GraphRunner(doc, { registry, env: {} })).toThrow(
      /needs the environment variable TEST_API_KEY/,
    );
    expect(
      () =>
        new GraphRunner(doc, {
          registry,
          env: { ...KEY, PARLEY_ALLOWED_ENDPOINTS: 'http://127.0.0.1:9' },
        }),
    ).not.toThrow();
  });

  it('refuses the built-in cloud nodes’ foreign base URLs, naming their key', () => {
    const registry = createDefaultRegistry();
    const env = { OPENAI_API_KEY: 'sk', DEEPGRAM_API_KEY: 'dg' };
    for (const [type, variable] of [
      ['llm.openai', 'OPENAI_API_KEY'],
      ['tts.openai', 'OPENAI_API_KEY'],
      ['stt.openai', 'OPENAI_API_KEY'],
      ['s2s.openai-realtime', 'OPENAI_API_KEY'],
      ['stt.deepgram', 'DEEPGRAM_API_KEY'],
      ['tts.deepgram', 'DEEPGRAM_API_KEY'],
    ]) {
      const foreign = {
        id: 'n',
        type,
        config: { baseUrl: 'https://api.openai.com.evil.example/v1' },
      };
      expect(() => registry.resolveEnvironment(foreign, env), type).toThrow(
        new RegExp(
          `^node 'n': baseUrl https://api\\.openai\\.com\\.evil\\.example/v1 is not an endpoint this server sends ${variable} to`,
        ),
      );
      expect(
        registry.resolveEnvironment({ id: 'n', type, config: {} }, env).endpoint,
        type,
      ).toMatch(/^(https:\/\/api\.openai\.com\/v1|wss:\/\/api\.deepgram\.com)$/);
    }
  });

  it('a hot reload onto a foreign host fails that node and keeps the old one', async () => {
    const { registry, built } = sendingNode();
    const runner = new GraphRunner(
      chainGraph([{ id: 'cloud', type: 'test.sends-key', config: {} }]),
      { registry, env: KEY },
    );
    await runner.start();
    const before = runner.processor('cloud');
    const report = await applyGraph(
      runner,
      chainGraph([{ id: 'cloud', type: 'test.sends-key', config: { url: 'http://127.0.0.1:9' } }]),
    );
    expect(report.nodes.find((n) => n.nodeId === 'cloud')).toMatchObject({
      outcome: 'failed',
      reason: expect.stringContaining('is not an endpoint this server sends TEST_API_KEY to'),
    });
    expect(runner.processor('cloud')).toBe(before);
    expect(built).toHaveLength(1);
    await runner.stop();
  });
});
