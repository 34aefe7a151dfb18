/** Messages between FliteSynth (main thread) and its worker threads. */

export interface FliteWorkerData {
  /** Compiled once in the parent; a Module can be shared with workers without recompiling. */
  module: WebAssembly.Module;
}

export type FliteRequest =
  | { id: number; kind: 'synthesize'; text: string; voice: string; rate: number }
  | { id: number; kind: 'voices' }
  | { id: number; kind: 'close' };

export type FliteResponse =
  /** Unsolicited: the next instance is built, so a request now starts at once. */
  | { id: 0; ok: true; kind: 'ready' }
  | {
      id: number;
      ok: true;
      kind: 'synthesize';
      samples: Int16Array;
      sampleRate: number;
      synthMs: number;
    }
  | { id: number; ok: true; kind: 'voices'; voices: string[] }
  | { id: number; ok: true; kind: 'close' }
  | { id: number; ok: false; error: string };
