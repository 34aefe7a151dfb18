/**
 * A real TURN server (Debian's coturn) on loopback for a test: long-term credentials, UDP
 * only, a private relay port range, and loopback peers allowed (coturn refuses to relay to
 * 127.0.0.0/8 by default, and on loopback that is where every peer is). Started on a free
 * port, stopped with the test; its log is kept for assertions (allocations it made).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface CoturnServer {
  url: string;
  username: string;
  credential: string;
  /** coturn's log so far. */
  log(): string;
  stop(): Promise<void>;
}

/** A UDP port nobody holds right now (coturn binds it a moment later). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

export async function startCoturn(): Promise<CoturnServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'parley-coturn-'));
  const port = await freeUdpPort();
  // Relay ports: a random 200-port range above the ephemeral range's usual start.
  const minPort = 40000 + Math.floor(Math.random() * 100) * 200;
  const username = 'parley';
  const credential = `secret-${process.pid}`;
  const child: ChildProcess = spawn(
    'turnserver',
    [
      '-n', // no config file
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      `--min-port=${minPort}`,
      `--max-port=${minPort + 199}`,
      '--lt-cred-mech',
      `--user=${username}:${credential}`,
      '--realm=parley.test',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers',
      '--log-file=stdout',
      '--simple-log',
      '--verbose', // logs each allocation: the test checks TURN was really used
      `--pidfile=${path.join(dir, 'pid')}`,
      `--userdb=${path.join(dir, 'turndb')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = Date.now();
  while (!/relay ports initialization|Total General servers/i.test(log)) {
    if (child.exitCode !== null) throw new Error(`coturn exited at start:\n${log}`);
    if (Date.now() - started > 10_000) {
      child.kill('SIGKILL');
      throw new Error(`coturn did not start within 10 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 200)); // its UDP listener threads come up last
  return {
    url: `turn:127.0.0.1:${port}?transport=udp`,
    username,
    credential,
    log: () => log,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
