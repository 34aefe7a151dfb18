/**
 * A decoder forked by a zygote, seen as a HelperProcess: its protocol runs
 * over a Unix socket, and since it is the zygote's child, not ours, its exit
 * status comes from the zygote's report.
 */
import type { Socket } from 'node:net';
import type { HelperExitListener, HelperProcess } from './HelperProcess.ts';

/**
 * The socket closes as the decoder dies, and the zygote reports how it died,
 * within milliseconds of each other. When one of the two never comes (the
 * zygote itself is gone) the exit is reported this long after the other.
 */
const EXIT_REPORT_WAIT_MS = 1000;

export class ForkedHelper implements HelperProcess {
  readonly stderr = undefined;
  private readonly listeners: HelperExitListener[] = [];
  private status: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private socketClosed = false;
  private exited = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly pid: number,
    private readonly socket: Socket,
  ) {
    // A write racing the decoder's death fails with EPIPE; the close below reports it.
    socket.on('error', () => {});
    socket.once('close', () => {
      this.socketClosed = true;
      if (this.status) this.finish();
      else this.wait();
    });
  }

  get input(): Socket {
    return this.socket;
  }

  get output(): Socket {
    return this.socket;
  }

  onExit(listener: HelperExitListener): void {
    this.listeners.push(listener);
  }

  kill(): void {
    if (this.status || this.exited) return;
    try {
      process.kill(this.pid, 'SIGKILL');
    } catch {
      // already gone: its exit report is on the way
    }
  }

  /** The zygote reported how this decoder ended; listeners hear it once its last output is read. */
  reportExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.status || this.exited) return;
    this.status = { code, signal };
    if (this.socketClosed) this.finish();
    else this.wait();
  }

  /** Half of the news is in (socket closed, or exit reported); the other half should follow at once. */
  private wait(): void {
    this.timer ??= setTimeout(() => {
      this.socket.destroy();
      this.finish();
    }, EXIT_REPORT_WAIT_MS);
    this.timer.unref();
  }

  private finish(): void {
    if (this.exited) return;
    this.exited = true;
    clearTimeout(this.timer);
    const { code, signal } = this.status ?? { code: null, signal: null };
    for (const listener of this.listeners) listener(code, signal);
  }
}
