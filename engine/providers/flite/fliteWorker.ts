/** Worker-thread entry for FliteSynth: runs FliteWasm off the main event loop. */
import { parentPort, workerData } from 'node:worker_threads';
import { FliteWasm } from './FliteWasm.ts';
import type { FliteRequest, FliteResponse, FliteWorkerData } from './fliteWorkerProtocol.ts';

const port = parentPort;
if (!port) throw new Error('fliteWorker must run in a worker thread');

const flite = new FliteWasm((workerData as FliteWorkerData).module);

function prepareNext(): void {
  flite.prepare();
  reply({ id: 0, ok: true, kind: 'ready' });
}

function reply(response: FliteResponse, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(response, transfer);
}

port.on('message', (request: FliteRequest) => {
  try {
    if (request.kind === 'close') {
      flite.dispose();
      reply({ id: request.id, ok: true, kind: 'close' });
      port.close();
      return;
    }
    if (request.kind === 'voices') {
      reply({ id: request.id, ok: true, kind: 'voices', voices: flite.voices() });
    } else {
      const started = performance.now();
      const { samples, sampleRate } = flite.synthesize(request.text, request.voice, request.rate);
      const synthMs = performance.now() - started;
      reply({ id: request.id, ok: true, kind: 'synthesize', samples, sampleRate, synthMs }, [
        samples.buffer as ArrayBuffer,
      ]);
    }
  } catch (error) {
    reply({
      id: request.id,
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    });
  }
  // Build the next instance after replying, while the caller is busy with the audio.
  setImmediate(prepareNext);
});

prepareNext();
