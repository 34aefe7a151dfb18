/**
 * The static import graph of the repository's TypeScript sources, read the way the runtime
 * loads them. `import type` and `export type` statements are erased by the compiler, so they
 * are listed but not followed; every other import, re-export and literal dynamic import is
 * followed (under `verbatimModuleSyntax`, `import { type A } from 'x'` still loads `x`).
 * Relative specifiers and the package's `#` subpath imports are followed into files; bare
 * specifiers are recorded as package names, Node's built-in modules as `node:<name>`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ImportRef {
  specifier: string;
  /** Erased at compile time: `import type …` or `export type …`. */
  typeOnly: boolean;
}

/** `import …from 'x'`, `export …from 'x'`, `import 'x'`, across lines; names, braces, `*`. */
const STATIC_IMPORT =
  /^[ \t]*(?:import|export)\s+(type\s+)?(?:[\w$*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC_IMPORT = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(file: string): ImportRef[] {
  const text = readFileSync(file, 'utf8');
  const refs: ImportRef[] = [];
  for (const m of text.matchAll(STATIC_IMPORT)) {
    refs.push({ specifier: m[2], typeOnly: Boolean(m[1]) });
  }
  for (const m of text.matchAll(DYNAMIC_IMPORT)) refs.push({ specifier: m[1], typeOnly: false });
  return refs;
}

const subpathImports = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'))
  .imports as Record<string, string>;

export type Target =
  | { kind: 'file'; file: string }
  | { kind: 'builtin'; name: string }
  | { kind: 'package'; name: string };

/** Where a specifier written in `fromFile` leads. Throws when a file it names is missing. */
export function resolveImport(specifier: string, fromFile: string): Target {
  let file: string | undefined;
  if (specifier.startsWith('.')) file = path.resolve(path.dirname(fromFile), specifier);
  else if (specifier.startsWith('#')) {
    const target = subpathImports[specifier];
    if (!target) throw new Error(`${fromFile}: '${specifier}' is not in package.json "imports"`);
    file = path.resolve(repoRoot, target);
  }
  if (file !== undefined) {
    if (!existsSync(file)) throw new Error(`${fromFile}: '${specifier}' does not exist`);
    return { kind: 'file', file };
  }
  const bare = specifier.replace(/^node:/, '');
  if (specifier.startsWith('node:') || builtinModules.includes(bare.split('/')[0])) {
    return { kind: 'builtin', name: `node:${bare}` };
  }
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return { kind: 'package', name };
}

export interface ImportWalk {
  /** Every source file loaded at run time, the entry included. */
  files: Set<string>;
  /** Bare packages and `node:` built-ins reached, each with the chain of files that reaches it. */
  modules: Map<string, string[]>;
}

/** Everything `entry` loads at run time, transitively. */
export function walkRuntimeImports(entry: string): ImportWalk {
  const files = new Set<string>();
  const modules = new Map<string, string[]>();
  const parent = new Map<string, string>();
  const chainTo = (file: string): string[] => {
    const chain = [file];
    for (let f = parent.get(file); f; f = parent.get(f)) chain.unshift(f);
    return chain.map((f) => path.relative(repoRoot, f));
  };
  const pending = [path.resolve(entry)];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    for (const ref of importsOf(file)) {
      if (ref.typeOnly) continue;
      const target = resolveImport(ref.specifier, file);
      if (target.kind !== 'file') {
        if (!modules.has(target.name)) modules.set(target.name, chainTo(file));
      } else if (!files.has(target.file)) {
        if (!parent.has(target.file)) parent.set(target.file, file);
        pending.push(target.file);
      }
    }
  }
  return { files, modules };
}

/** Every .ts/.tsx file under `dir`. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.tsx?$/.test(name))
    .map((name) => path.join(dir, name))
    .sort();
}
