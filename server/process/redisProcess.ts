/**
 * A `redis-server` child process (Debian's package) on 127.0.0.1, without persistence:
 * what `parley cluster` runs when no REDIS_URL is given, and what tests start.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface RedisProcess {
  child: ChildProcess;
  /** Ends it (SIGKILL when `crash`); resolves when it has exited. */
  stop(options?: { crash?: boolean }): Promise<void>;
}

/** Starts redis-server on `port` with its files in `dir`; resolves once it accepts connections. */
export async function startRedisProcess(
  port: number,
  dir: string,
  binary = 'redis-server',
): Promise<RedisProcess> {
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.once('error', (error) =>
      reject(
        new Error(`could not start ${binary} (apt-get install redis-server): ${error.message}`),
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`${binary} exited (${code}): ${out.slice(-300)}`)),
    );
    child.stderr?.resume();
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
  });
  child.stdout?.resume();
  return {
    child,
    async stop({ crash = false } = {}) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(crash ? 'SIGKILL' : 'SIGTERM');
      await exited;
    },
  };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
