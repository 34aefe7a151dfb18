/**
 * One pocketsphinx-helper that loads the models once (`-zygote`) and forks a
 * ready decoder per request.
 *
 * Why: a decoder process spent ~0.25 s of CPU loading the models and kept
 * ~90 MB of them private. Fifty sessions starting at once paid that fifty
 * times over on two cores, and waited ~5.5 s for their decoders. A fork takes
 * a few milliseconds, and the models stay shared copy-on-write (decoding only
 * reads them): a forked decoder holds ~2 MB of its own, ~20 MB once it has
 * decoded, instead of ~90 MB.
 *
 * The forked decoders are the zygote's children. They connect back over a
 * Unix socket in a directory only this user can enter, and name the request
 * they answer with a random token; the zygote reports how each one ended.
 * Decoders outlive a crashed zygote; the next fork starts a new one.
 *
 * A vocabulary bias costs a decoder ~0.5 s of CPU to build (parse the ARPA text,
 * interpolate it with the general model, build the search). `prepareBias` builds
 * it once in the zygote; decoders forked afterwards that are asked for it switch
 * to it at once and share its memory. A new zygote (after a crash) has none:
 * its decoders build their own until the bias is prepared again.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ForkedHelper } from './ForkedHelper.ts';
import { cannotStartError, type HelperProcess } from './HelperProcess.ts';
import type { BiasReport } from './PocketsphinxProtocol.ts';
import { createPrivateSocketDir } from './privateSocketDir.ts';
import { readFirstLine } from './readFirstLine.ts';
import {
  encodeFork,
  encodePrepareBias,
  encodeQuit,
  parseHello,
  parseZygoteMessage,
  type ZygoteMessage,
} from './zygoteProtocol.ts';

export interface DecoderZygoteOptions {
  /** Zygote started → models loaded. */
  startupTimeoutMs?: number;
  /** Fork requested → the decoder connected. */
  forkTimeoutMs?: number;
}

interface PendingFork {
  /** Known once the zygote has forked, so a decoder that dies before connecting fails its request. */
  pid?: number;
  resolve(helper: ForkedHelper): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

const STDERR_TAIL_CHARS = 2000;
const HELLO_MAX_BYTES = 256;
const HELLO_TIMEOUT_MS = 5000;

export class DecoderZygote {
  private readonly startupTimeoutMs: number;
  private readonly forkTimeoutMs: number;
  private zygote: ChildProcessWithoutNullStreams | undefined;
  private loaded: Promise<ChildProcessWithoutNullStreams> | undefined;
  private listening: Promise<string> | undefined;
  private server: Server | undefined;
  private dir: string | undefined;
  private readonly pending = new Map<string, PendingFork>();
  private readonly pendingBiases = new Map<
    number,
    { resolve(report: BiasReport): void; reject(error: Error): void }
  >();
  private nextBiasSeq = 1;
  private readonly decoders = new Map<number, ForkedHelper>();
  private stderrTail = '';
  private closed = false;
  private readonly removeDirOnExit = (): void => this.removeDir();

  constructor(
    private readonly helperPath: string,
    private readonly args: readonly string[],
    options: DecoderZygoteOptions = {},
  ) {
    this.startupTimeoutMs = options.startupTimeoutMs ?? 15_000;
    this.forkTimeoutMs = options.forkTimeoutMs ?? 10_000;
  }

  /** A new decoder with the models loaded, speaking the decoder protocol ("ready" first). */
  async fork(): Promise<HelperProcess> {
    const zygote = await this.start();
    if (this.closed) throw new Error('decoder zygote closed');
    const token = randomBytes(16).toString('hex');
    return new Promise<ForkedHelper>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.failFork(
            token,
            new Error(`forked decoder did not connect within ${this.forkTimeoutMs} ms`),
          ),
        this.forkTimeoutMs,
      );
      this.pending.set(token, { resolve, reject, timer });
      zygote.stdin.write(encodeFork(token));
    });
  }

  /** Builds `bias` in the zygote, so decoders forked from now on have it ready (see above). */
  async prepareBias(bias: { weight: number; arpa: string }): Promise<BiasReport> {
    const zygote = await this.start();
    if (this.closed) throw new Error('decoder zygote closed');
    const seq = this.nextBiasSeq++;
    return new Promise<BiasReport>((resolve, reject) => {
      this.pendingBiases.set(seq, { resolve, reject });
      zygote.stdin.write(encodePrepareBias(seq, bias.weight, bias.arpa));
    });
  }

  /** Stops the zygote and any decoder it forked that is still running; resolves when they have exited. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const token of [...this.pending.keys()])
      this.failFork(token, new Error('decoder zygote closed'));
    this.failBiases(new Error('decoder zygote closed'));
    // Before the zygote goes: it reports their ends.
    await Promise.all(
      [...this.decoders.values()].map(
        (decoder) =>
          new Promise<void>((resolve) => {
            decoder.onExit(() => resolve());
            decoder.kill();
          }),
      ),
    );
    const zygote = this.zygote;
    if (zygote) {
      const exited = new Promise<void>((resolve) => zygote.once('exit', () => resolve()));
      if (zygote.stdin.writable) zygote.stdin.end(encodeQuit());
      const timer = setTimeout(() => zygote.kill('SIGKILL'), 1000);
      await exited;
      clearTimeout(timer);
    }
    this.server?.close();
    this.server = undefined;
    this.removeDir();
    process.off('exit', this.removeDirOnExit);
  }

  private start(): Promise<ChildProcessWithoutNullStreams> {
    if (this.closed) return Promise.reject(new Error('decoder zygote closed'));
    if (!this.loaded) {
      const loaded = this.listen().then((socketPath) => this.spawnZygote(socketPath));
      this.loaded = loaded;
      // A zygote that failed to start is tried again on the next request.
      loaded.catch(() => {
        if (this.loaded === loaded) this.loaded = undefined;
      });
    }
    return this.loaded;
  }

  private listen(): Promise<string> {
    if (this.listening) return this.listening;
    const listening = new Promise<string>((resolve, reject) => {
      this.dir = createPrivateSocketDir();
      process.on('exit', this.removeDirOnExit);
      const socketPath = join(this.dir, 'zygote.sock');
      const server = createServer((socket) => this.onConnection(socket));
      this.server = server;
      server.on('error', reject); // also keeps a late error from crashing the process
      server.listen(socketPath, () => resolve(socketPath));
    });
    this.listening = listening;
    listening.catch(() => {
      if (this.listening === listening) this.listening = undefined;
    });
    return listening;
  }

  private spawnZygote(socketPath: string): Promise<ChildProcessWithoutNullStreams> {
    if (this.closed) return Promise.reject(new Error('decoder zygote closed'));
    const zygote = spawn(this.helperPath, [...this.args, '-zygote', socketPath], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.zygote = zygote;
    this.stderrTail = '';
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        reject(
          new Error(
            `pocketsphinx zygote did not load its models within ${this.startupTimeoutMs} ms`,
          ),
        );
        zygote.kill('SIGKILL');
      }, this.startupTimeoutMs);
      zygote.stdin.on('error', () => {}); // a write racing its death: 'exit' reports it
      zygote.stderr.setEncoding('utf8');
      zygote.stderr.on('data', (chunk: string) => {
        this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
      });
      const lines = createInterface({ input: zygote.stdout });
      lines.on('error', () => {}); // its exit is what counts
      lines.on('line', (line) => {
        const message = parseZygoteMessage(line);
        if (message?.type === 'zygote' && !ready) {
          ready = true;
          clearTimeout(timer);
          resolve(zygote);
        } else if (message) {
          this.onMessage(message);
        }
      });
      zygote.once('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(cannotStartError(this.helperPath, error));
        this.onZygoteGone(zygote, cannotStartError(this.helperPath, error));
      });
      zygote.once('exit', (code, signal) => {
        clearTimeout(timer);
        const stderr = this.stderrTail.trim();
        // Exit code 2 is "invalid arguments": a helper built before it knew -zygote.
        const hint =
          !ready && code === 2
            ? ' (helper older than its source? run scripts/build-native.sh)'
            : '';
        const failure = new Error(
          `pocketsphinx zygote exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})` +
            (stderr ? `: ${stderr}` : '') +
            hint,
        );
        if (!ready) reject(failure);
        this.onZygoteGone(zygote, failure);
      });
    });
  }

  private onZygoteGone(zygote: ChildProcessWithoutNullStreams, failure: Error): void {
    if (this.zygote !== zygote) return;
    this.zygote = undefined;
    this.loaded = undefined;
    for (const token of [...this.pending.keys()]) this.failFork(token, failure);
    this.failBiases(failure);
  }

  private failBiases(error: Error): void {
    for (const pending of this.pendingBiases.values()) pending.reject(error);
    this.pendingBiases.clear();
  }

  private onMessage(message: ZygoteMessage): void {
    switch (message.type) {
      case 'forked': {
        const pending = this.pending.get(message.token);
        if (pending) pending.pid = message.pid;
        break;
      }
      case 'forkFailed':
        this.failFork(
          message.token,
          new Error(`pocketsphinx zygote could not fork: ${message.error}`),
        );
        break;
      case 'exit': {
        const decoder = this.decoders.get(message.pid);
        if (decoder) {
          this.decoders.delete(message.pid);
          decoder.reportExit(message.code, message.signal);
          break;
        }
        for (const [token, pending] of this.pending) {
          if (pending.pid !== message.pid) continue;
          pending.pid = undefined; // reaped: the number may be reused, never signal it
          const stderr = this.stderrTail.trim();
          this.failFork(
            token,
            new Error(
              `forked decoder exited before connecting (code ${message.code ?? 'none'}, signal ${message.signal ?? 'none'})` +
                (stderr ? `: ${stderr}` : ''),
            ),
          );
        }
        break;
      }
      case 'bias':
      case 'error': {
        const pending = message.seq === undefined ? undefined : this.pendingBiases.get(message.seq);
        if (!pending || message.seq === undefined) break;
        this.pendingBiases.delete(message.seq);
        if (message.type === 'bias') {
          const { type: _type, seq: _seq, ...report } = message;
          pending.resolve(report);
        } else pending.reject(new Error(`pocketsphinx zygote: ${message.message}`));
        break;
      }
      case 'zygote':
        break;
    }
  }

  private onConnection(socket: Socket): void {
    socket.on('error', () => {});
    // A forked decoder says hello at once; a connection that does not is dropped.
    socket.setTimeout(HELLO_TIMEOUT_MS, () => socket.destroy());
    readFirstLine(socket, HELLO_MAX_BYTES).then(
      (line) => {
        socket.setTimeout(0);
        const hello = parseHello(line);
        const pending = hello && this.pending.get(hello.token);
        if (!hello || !pending) {
          socket.destroy(); // not a decoder we asked for, or one we gave up on
          return;
        }
        this.pending.delete(hello.token);
        clearTimeout(pending.timer);
        const decoder = new ForkedHelper(hello.pid, socket);
        this.decoders.set(hello.pid, decoder);
        decoder.onExit(() => this.decoders.delete(hello.pid));
        pending.resolve(decoder);
      },
      () => socket.destroy(),
    );
  }

  private failFork(token: string, error: Error): void {
    const pending = this.pending.get(token);
    if (!pending) return;
    this.pending.delete(token);
    clearTimeout(pending.timer);
    if (pending.pid !== undefined) {
      try {
        process.kill(pending.pid, 'SIGKILL'); // it may still connect: nobody would talk to it
      } catch {
        // already gone
      }
    }
    pending.reject(error);
  }

  private removeDir(): void {
    if (!this.dir) return;
    rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.listening = undefined;
  }
}
