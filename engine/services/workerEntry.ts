/**
 * How to start a worker thread whose entry module sits next to the caller:
 * directly once built to .js; from source (tests, `tsx server/main.ts`)
 * through a bootstrap that registers tsx first, because Node 20 does not apply
 * `--import tsx` hooks to workers' entry modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface WorkerEntry {
  source: string | URL;
  /** Pass as the Worker's `eval` option. */
  eval: boolean;
}

interface TsxPackageJson {
  exports: Record<'./esm/api', { import: { default: string } }>;
}

/** `baseName` without extension, resolved against `callerUrl` (the caller's import.meta.url). */
export function workerEntry(callerUrl: string, baseName: string): WorkerEntry {
  const ext = extname(fileURLToPath(callerUrl));
  const entry = new URL(`./${baseName}${ext}`, callerUrl);
  if (ext !== '.ts') return { source: entry, eval: false };
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve('tsx/package.json');
  const exportsMap = (JSON.parse(readFileSync(tsxPackage, 'utf8')) as TsxPackageJson).exports;
  const api = pathToFileURL(join(dirname(tsxPackage), exportsMap['./esm/api'].import.default)).href;
  const source =
    `import(${JSON.stringify(api)})` +
    `.then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return { source, eval: true };
}
