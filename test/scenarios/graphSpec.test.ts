import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { GraphSpecError, loadGraphSpec } from '../../bin/graphSpec.ts';
import { GraphStore } from '../../server/store/GraphStore.ts';
import { chainGraph } from '../helpers/testProcessors.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('--graph NAME@REVISION loads that revision from the store, NAME the current one, a path the file', async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parley-graph-spec-'));
  const store = new GraphStore(dir);
  await store.init();
  const first = await store.create('g', chainGraph([{ id: 'p', type: 'test.passthrough' }]));
  const second = await store.update(
    'g',
    chainGraph([{ id: 'u', type: 'test.upper' }]),
    first.revision,
  );
  store.close();

  const old = await loadGraphSpec(`g@${first.revision}`, dir);
  expect(old.revision).toBe(first.revision);
  expect(JSON.stringify(old.document)).toContain('test.passthrough');
  expect(await loadGraphSpec('g', dir)).toMatchObject({ revision: second.revision, name: 'g' });

  await writeFile(
    path.join(dir, 'draft.json'),
    JSON.stringify(chainGraph([{ id: 'u', type: 'test.upper' }])),
  );
  expect(await loadGraphSpec('draft.json', '/nowhere', dir)).toMatchObject({
    name: 'draft',
    revision: 'file',
  });

  await expect(loadGraphSpec('g@0123456789abcdef', dir)).rejects.toThrow(GraphSpecError);
  await expect(loadGraphSpec('g@0123456789abcdef', dir)).rejects.toThrow(
    /^graph g@0123456789abcdef: /,
  );
  await expect(loadGraphSpec('missing', dir)).rejects.toThrow("graph missing: no graph 'missing'");
});
