import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../engine/core/Logger.ts';
import { connectRedis, type RedisConnection } from '../../../server/cluster/redisConnection.ts';
import type { GraphChange, GraphStorage } from '../../../server/store/GraphStorage.ts';
import { GraphStore } from '../../../server/store/GraphStore.ts';
import { MAX_VERSIONS, revisionOf, serialiseGraph } from '../../../server/store/graphText.ts';
import { RedisGraphStore } from '../../../server/store/RedisGraphStore.ts';
import {
  GraphExistsError,
  GraphFileError,
  GraphNotFoundError,
  StaleRevisionError,
} from '../../../server/store/StoreErrors.ts';
import { type RedisServer, startRedisServer } from '../../helpers/redisServer.ts';
import { FIXTURE_GRAPHS } from '../helpers/testServer.ts';

/**
 * The file store and the Redis store answer alike: the same values, the same errors,
 * the same `change` events, the same version history. Each case runs on both.
 */
let redis: RedisServer;
let connection: RedisConnection;
let prefixes = 0;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  redis = await startRedisServer();
  connection = connectRedis(redis.url, silentLogger);
  await connection.ready(5_000);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
afterAll(async () => {
  await connection?.close();
  await redis?.close();
});

const kinds: Array<[string, (dir: string) => GraphStorage]> = [
  ['file store', (dir) => new GraphStore(dir)],
  [
    'Redis store',
    (dir) =>
      new RedisGraphStore({
        redis: connection.client,
        workerId: 'solo',
        seedDir: dir,
        // A fresh store per case on the one Redis.
        keyPrefix: `contract${++prefixes}`,
      }),
  ],
];

describe.each(kinds)('the %s', (_kind, make) => {
  async function open(): Promise<{ store: GraphStorage; changes: GraphChange[] }> {
    const dir = await mkdtemp(path.join(tmpdir(), 'parley-contract-'));
    await cp(FIXTURE_GRAPHS, dir, { recursive: true });
    await writeFile(path.join(dir, 'broken.json'), '{ "nodes": [');
    const store = make(dir);
    await store.init();
    const changes: GraphChange[] = [];
    store.on('change', (c) => changes.push(c));
    cleanups.push(async () => {
      store.close();
      await rm(dir, { recursive: true, force: true });
    });
    return { store, changes };
  }

  const graph = (prefix: string) => ({
    version: 2,
    name: 'contract',
    description: `prefix ${prefix}`,
    nodes: [{ id: 'bot', type: 'test.echo-bot', config: { prefix } }],
    edges: [],
  });

  it('lists what the graphs directory holds, a file that is not JSON with its error', async () => {
    const { store } = await open();
    const list = await store.list();
    expect(list.map((g) => g.name)).toEqual(['broken', 'echo', 'keyed', 'v1-voice-agent']);
    expect(list[0]).toMatchObject({
      name: 'broken',
      error: expect.stringMatching(/not valid JSON/),
    });
    expect(list[1]).toMatchObject({ description: expect.stringMatching(/^Test graph/) });
    await expect(store.get('broken')).rejects.toBeInstanceOf(GraphFileError);
    expect(await store.get('nothing-here')).toBeUndefined();
    await expect(store.get('../escape')).rejects.toBeInstanceOf(GraphNotFoundError);
    // Older documents are served migrated, under the revision of their stored bytes.
    const old = await store.get('v1-voice-agent');
    expect(old?.graph).toMatchObject({ version: expect.any(Number) });
    expect((old?.graph as { version?: number } | undefined)?.version).toBeGreaterThan(1);
  });

  it('creates, updates against a revision, and announces each save', async () => {
    const { store, changes } = await open();
    const created = await store.create('contract', graph('one'));
    expect(created.revision).toBe(revisionOf(serialiseGraph(graph('one'))));
    await expect(store.create('contract', graph('two'))).rejects.toBeInstanceOf(GraphExistsError);

    const updated = await store.update('contract', graph('two'), created.revision);
    const stale = await store.update('contract', graph('three'), created.revision).catch((e) => e);
    expect(stale).toBeInstanceOf(StaleRevisionError);
    expect((stale as StaleRevisionError).currentRevision).toBe(updated.revision);
    await expect(store.update('absent', graph('x'), created.revision)).rejects.toBeInstanceOf(
      GraphNotFoundError,
    );

    expect(await store.get('contract')).toMatchObject({
      revision: updated.revision,
      graph: { description: 'prefix two' },
    });
    expect(changes.map((c) => [c.name, c.source, c.stored?.revision])).toEqual([
      ['contract', 'api', created.revision],
      ['contract', 'api', updated.revision],
    ]);
  });

  it('keeps versions newest first, pruned to the limit, through deletion and restore', async () => {
    const { store, changes } = await open();
    const first = await store.create('contract', graph('v0'));
    let current = first.revision;
    for (let i = 1; i <= MAX_VERSIONS + 1; i++)
      current = (await store.update('contract', graph(`v${i}`), current)).revision;
    const versions = await store.versions('contract');
    expect(versions).toHaveLength(MAX_VERSIONS);
    expect(versions[0].revision).toBe(current);
    expect(versions.map((v) => v.revision)).not.toContain(first.revision);
    await expect(store.version('contract', first.revision)).rejects.toBeInstanceOf(
      GraphNotFoundError,
    );

    const older = versions[3].revision;
    expect(await store.version('contract', older)).toMatchObject({ description: 'prefix v48' });
    await store.remove('contract');
    expect(changes.at(-1)).toEqual({ name: 'contract', source: 'api' });
    expect(await store.get('contract')).toBeUndefined();
    await expect(store.remove('contract')).rejects.toBeInstanceOf(GraphNotFoundError);

    // Restoring brings back the exact bytes: the old revision, now the newest version.
    const restored = await store.restore('contract', older);
    expect(restored.revision).toBe(older);
    expect((await store.versions('contract'))[0].revision).toBe(older);
    expect(await store.get('contract')).toMatchObject({ revision: older });
    await expect(store.restore('contract', 'ffffffffffffffff')).rejects.toBeInstanceOf(
      GraphNotFoundError,
    );
  });
});
