/**
 * The graph store hands out documents in the current format: files and saved
 * revisions written by an older Parley are migrated as they are read, saves
 * are written migrated, and a file from a newer Parley is refused by name.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GRAPH_VERSION } from '../../engine/graph/GraphDocument.ts';
import { GraphStore, revisionOf } from '../../server/store/GraphStore.ts';
import { GraphFileError } from '../../server/store/StoreErrors.ts';

const root = path.join(import.meta.dirname, '../..');
const v1Text = () => readFile(path.join(root, 'test/fixtures/graphs/v1-voice-agent.json'), 'utf8');
const vadConfig = (graph: unknown) =>
  (graph as { nodes: Array<{ id: string; config: unknown }> }).nodes.find((n) => n.id === 'vad')
    ?.config;

describe('GraphStore and older graph documents', () => {
  let dir: string;
  let store: GraphStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-store-'));
    store = new GraphStore(dir);
  });
  afterEach(async () => {
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads every shipped graph in the current format', async () => {
    const notVersions = (file: string) => !file.includes('.versions');
    await cp(path.join(root, 'graphs'), dir, { recursive: true, filter: notVersions });
    await store.init();
    const listed = await store.list();
    expect(listed.map((g) => g.error)).toEqual(listed.map(() => undefined));
    for (const { name } of listed) {
      expect((await store.get(name))?.graph).toMatchObject({ version: GRAPH_VERSION });
    }
  });

  it('serves a version 1 file migrated, leaving the file and its revision alone', async () => {
    const text = await v1Text();
    await writeFile(path.join(dir, 'old.json'), text);
    await store.init();
    const stored = await store.get('old');
    expect(stored?.revision).toBe(revisionOf(text));
    expect(stored?.graph).toMatchObject({ version: GRAPH_VERSION });
    expect(vadConfig(stored?.graph)).toEqual({ stopMs: 300 });
    expect(await readFile(path.join(dir, 'old.json'), 'utf8')).toBe(text);
  });

  it('serves a saved version 1 revision migrated', async () => {
    const text = await v1Text();
    const revision = revisionOf(text);
    await mkdir(path.join(dir, '.versions', 'old'), { recursive: true });
    await writeFile(path.join(dir, '.versions', 'old', `${revision}.json`), text);
    await store.init();
    expect(vadConfig(await store.version('old', revision))).toEqual({ stopMs: 300 });
  });

  it('writes a version 1 body in the current format', async () => {
    await store.init();
    const stored = await store.create('saved', JSON.parse(await v1Text()));
    const onDisk = JSON.parse(await readFile(path.join(dir, 'saved.json'), 'utf8'));
    expect(onDisk).toMatchObject({ version: GRAPH_VERSION });
    expect(vadConfig(onDisk)).toEqual({ stopMs: 300 });
    expect(stored.graph).toEqual(onDisk);
  });

  it('refuses a file from a newer Parley, naming its version, and still lists it', async () => {
    const future = { ...JSON.parse(await v1Text()), version: GRAPH_VERSION + 1 };
    await writeFile(path.join(dir, 'future.json'), JSON.stringify(future));
    await store.init();
    await expect(store.get('future')).rejects.toThrow(GraphFileError);
    await expect(store.get('future')).rejects.toThrow(`version ${GRAPH_VERSION + 1} is newer`);
    const [listed] = await store.list();
    expect(listed).toMatchObject({ name: 'future', error: expect.stringContaining('is newer') });
  });
});
