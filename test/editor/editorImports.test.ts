/**
 * What the editor may import from the rest of the repository: the engine only through its
 * browser-safe entry, and the server only as types of its wire contract. Everything else
 * between the editor and the server goes over HTTP and WebSocket.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importsOf, repoRoot, resolveImport, sourceFiles } from '../engine/importGraph.ts';

const engineDir = path.join(repoRoot, 'engine') + path.sep;
const serverDir = path.join(repoRoot, 'server') + path.sep;
const wireDir = path.join(repoRoot, 'server/api') + path.sep;

interface Crossing {
  file: string;
  specifier: string;
  typeOnly: boolean;
  into: 'engine' | 'server';
}

/** Imports in `files` that land in engine/ or server/. */
function crossings(files: string[]): Crossing[] {
  const out: Crossing[] = [];
  for (const file of files) {
    for (const ref of importsOf(file)) {
      const target = resolveImport(ref.specifier, file);
      if (target.kind !== 'file') continue;
      const into = target.file.startsWith(engineDir)
        ? 'engine'
        : target.file.startsWith(serverDir)
          ? 'server'
          : undefined;
      if (into) out.push({ file: path.relative(repoRoot, file), ...ref, into });
    }
  }
  return out;
}

describe('editor imports', () => {
  const all = crossings(sourceFiles(path.join(repoRoot, 'editor/src')));

  it('reach the engine only through #engine/browser', () => {
    const intoEngine = all.filter((c) => c.into === 'engine');
    expect(intoEngine.length).toBeGreaterThan(0);
    expect(intoEngine.filter((c) => c.specifier !== '#engine/browser')).toEqual([]);
  });

  it('reach the server only for the types of its wire contract', () => {
    const intoServer = all.filter((c) => c.into === 'server');
    expect(intoServer.length).toBeGreaterThan(0);
    expect(intoServer.filter((c) => c.specifier !== '#server/wire' || !c.typeOnly)).toEqual([]);
  });
});

describe('the wire contract (#server/wire)', () => {
  const wireFiles = sourceFiles(wireDir);

  it('is types only, built on the browser-safe engine entry', () => {
    expect(wireFiles.length).toBeGreaterThan(0);
    for (const file of wireFiles) {
      for (const ref of importsOf(file)) {
        expect(ref.typeOnly, `${file}: ${ref.specifier}`).toBe(true);
        const target = resolveImport(ref.specifier, file);
        const allowed =
          ref.specifier === '#engine/browser' ||
          (target.kind === 'file' && target.file.startsWith(wireDir));
        expect(allowed, `${file}: ${ref.specifier}`).toBe(true);
      }
      const runtime = /^(?:export\s+)?(?:const|let|var|function|class|enum)\b|^export\s+default\b/m;
      expect(runtime.test(readFileSync(file, 'utf8')), file).toBe(false);
    }
  });
});
