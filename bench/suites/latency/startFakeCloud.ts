/** Starts fakeCloudProcess.ts in a child Node process and returns its URLs. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { FakeCloudUrls } from './graphs.ts';

export interface FakeCloud {
  urls: FakeCloudUrls;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startFakeCloud(): Promise<FakeCloud> {
  const script = fileURLToPath(new URL('./fakeCloudProcess.ts', import.meta.url));
  // The same loader flags (tsx) as this process, so the child runs TypeScript too.
  const child = spawn(process.execPath, [...process.execArgv, script, '--serve'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fake cloud exited with ${code}`)));
    setTimeout(() => reject(new Error('fake cloud did not start in 20 s')), 20_000).unref();
  });
  const urls = JSON.parse(firstLine) as FakeCloudUrls;
  return {
    urls,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
