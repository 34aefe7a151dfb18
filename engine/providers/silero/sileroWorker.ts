/**
 * Worker-thread entry for SharedSileroVad: one Silero session for the whole
 * process, run on batches of windows from many streams. Stateless: every
 * request carries its streams' recurrent state and gets the next one back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { SILERO_SAMPLE_RATE } from './SileroVadModel.ts';
import type {
  SileroBatchRequest,
  SileroWorkerData,
  SileroWorkerMessage,
} from './sileroWorkerProtocol.ts';

const port = parentPort;
if (!port) throw new Error('sileroWorker must run in a worker thread');

const reply = (message: SileroWorkerMessage, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

let session: InferenceSession;
try {
  session = await InferenceSession.create((workerData as SileroWorkerData).modelPath, {
    // This thread is the VAD's one core share; onnxruntime's own pool would only contend with it.
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
} catch (error) {
  reply({ kind: 'loadFailed', error: error instanceof Error ? error.message : String(error) });
  throw error;
}
const sampleRate = new Tensor('int64', BigInt64Array.from([BigInt(SILERO_SAMPLE_RATE)]), []);

port.on('message', (request: SileroBatchRequest) => {
  try {
    const result = session.run({
      input: new Tensor('float32', request.input, [
        request.size,
        request.input.length / request.size,
      ]),
      state: new Tensor('float32', request.state, [2, request.size, 128]),
      sr: sampleRate,
    });
    void result.then(
      (out) => {
        const probabilities = Float32Array.from(out.output.data as Float32Array);
        const state = Float32Array.from(out.stateN.data as Float32Array);
        reply({ kind: 'batch', id: request.id, probabilities, state }, [
          probabilities.buffer,
          state.buffer,
        ]);
      },
      (error: unknown) =>
        reply({
          kind: 'batchFailed',
          id: request.id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  } catch (error) {
    reply({
      kind: 'batchFailed',
      id: request.id,
      error: error instanceof Error ? error.message : String(error),
    });
  }
});

reply({ kind: 'ready' });
