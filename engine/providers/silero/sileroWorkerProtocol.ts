/** Messages between SharedSileroVad (main thread) and sileroWorker. */

export interface SileroWorkerData {
  modelPath: string;
}

/** `size` windows of one stream each: input [size, 576] (context + window), state [2, size, 128]. */
export interface SileroBatchRequest {
  id: number;
  size: number;
  input: Float32Array;
  state: Float32Array;
}

export type SileroWorkerMessage =
  | { kind: 'ready' }
  | { kind: 'loadFailed'; error: string }
  | { kind: 'batch'; id: number; probabilities: Float32Array; state: Float32Array }
  | { kind: 'batchFailed'; id: number; error: string };
