/** `parley cluster`: a private redis-server and its worker processes, stopped together. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { REDIS_SERVER } from '../../helpers/redisServer.ts';
import { waitFor } from '../helpers/testServer.ts';

const CLI = path.resolve(import.meta.dirname, '../../../bin/parley.ts');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

it.skipIf(!existsSync(REDIS_SERVER))(
  'starts two workers on a private Redis, dispatches across them, and stops everything on SIGTERM',
  { timeout: 60_000 },
  async () => {
    const port = await freePortPair();
    const cli = spawn(
      process.execPath,
      ['--import', TSX, CLI, 'cluster', '--workers', '2', '--port', String(port)],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    cli.stdout.on('data', (c: Buffer) => (output += c.toString()));
    cli.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once('exit', resolve));
    try {
      const urls = [port, port + 1].map((p) => `http://127.0.0.1:${p}`);
      for (const url of urls)
        await waitFor(async () => (await readyz(url))?.redis === 'up', 30_000, `${url} ready`);
      const redisUrl = /redis \(private\) (redis:\/\/\S+?);/.exec(output)?.[1];
      expect(redisUrl, output).toBeDefined();

      const seen = new Set<string>();
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${urls[0]}/api/connect`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"transport":"websocket"}',
        });
        expect(res.status).toBe(200);
        seen.add(res.headers.get('x-parley-worker') ?? '');
      }
      expect(seen.size, 'both workers take calls').toBe(2);

      cli.kill('SIGTERM');
      expect(await exited).toBe(0);
      const redisPort = Number(new URL(redisUrl as string).port);
      for (const p of [port, port + 1, redisPort])
        expect(await isListening(p), `port ${p} closed`).toBe(false);
    } finally {
      if (cli.exitCode === null) cli.kill('SIGKILL');
    }
  },
);

async function readyz(url: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await (await fetch(`${url}/readyz`)).json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

/** A port p with p + 1 free as well. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (!(await isListening(port)) && !(await isListening(port + 1))) return port;
  }
}
