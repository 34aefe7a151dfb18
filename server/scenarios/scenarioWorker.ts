/**
 * The process a scenario job runs in (forked by ScenarioJobs). A job gets a
 * process of its own because scenario runs close the shared local engines
 * (recogniser pool, VAD, voices) after every run, to start each run fresh:
 * in the server's process that would cut off live calls. A process also
 * makes a job cancellable at any moment (it is killed) and keeps a runaway
 * run from ever taking the server down.
 */
import { createDefaultRegistry } from '#engine';
import { type PanelRunSpec, runScenariosForPanel } from './runScenariosForPanel.ts';
import type { WorkerMessage } from './workerMessages.ts';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

process.once('message', (spec: PanelRunSpec) => {
  runScenariosForPanel(spec, createDefaultRegistry(), {
    onStart: (name) => send({ type: 'started', name }),
    onResult: (result) => send({ type: 'result', result }),
  })
    .then(() => send({ type: 'finished' }))
    .catch((error: unknown) =>
      send({ type: 'failed', error: error instanceof Error ? error.message : String(error) }),
    )
    // Let the last message reach the parent, then go: shared engines may hold handles open.
    .finally(() => setTimeout(() => process.exit(0), 50));
});

// The parent going away (a crash, a kill) must not leave this process running on its own.
process.on('disconnect', () => process.exit(0));
