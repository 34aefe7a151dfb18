/**
 * The few WASI (preview1) system calls the flite command needs, served from
 * memory: arguments, a clock, stdout/stderr captured as text, and one
 * preopened directory whose files live in a Map. Nothing touches the host's
 * file system.
 *
 * Why not node:wasi: it aborts the whole process now and then. A garbage
 * collection that starts inside one instance's `path_open` (uvwasi allocates
 * through V8's external-memory accounting) can finalise another WASI object,
 * and uvwasi_destroy() then fails uv_mutex_destroy() and calls abort() — seen
 * here as vitest workers dying after their tests passed. Flite is a one-shot
 * command that writes one WAV file; thirteen small imports are all it uses.
 */

type Import = (...args: never[]) => number;

/** Thrown by proc_exit to unwind out of `_start`. */
class WasiExit {
  constructor(readonly code: number) {}
}

const ERRNO = {
  SUCCESS: 0,
  BADF: 8,
  INVAL: 28,
  NOENT: 44,
  NOTDIR: 54,
  SPIPE: 70,
  EXIST: 20,
} as const;
const FILETYPE = { CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4 } as const;
const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
const WHENCE = { SET: 0, CUR: 1, END: 2 } as const;
const ALL_RIGHTS = 0xffff_ffff_ffff_ffffn;
const CLOCK_REALTIME = 0;

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
/** The preopened directory: libc finds it by asking fd 3, 4, … for their prestat. */
const PREOPEN_FD = 3;

/** A growable byte buffer with a length, like a file's contents. */
class MemoryFile {
  private bytes = new Uint8Array(4096);
  size = 0;

  write(at: number, data: Uint8Array): void {
    const end = at + data.length;
    if (end > this.bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.bytes.set(data, at);
    this.size = Math.max(this.size, end);
  }

  read(at: number, length: number): Uint8Array {
    return this.bytes.subarray(Math.min(at, this.size), Math.min(at + length, this.size));
  }

  contents(): Uint8Array {
    return this.bytes.slice(0, this.size);
  }
}

interface OpenFile {
  file: MemoryFile;
  position: number;
}

export interface WasiRunResult {
  exitCode: number;
  /** Everything written to stdout and stderr. */
  output: string;
  /** Files the program left in the preopened directory, by name. */
  files: Map<string, Uint8Array>;
}

export class InMemoryWasi {
  private instance: WebAssembly.Instance | undefined;
  private args: string[] = [];
  private readonly output: string[] = [];
  private readonly files = new Map<string, MemoryFile>();
  private readonly open = new Map<number, OpenFile>();
  private nextFd = PREOPEN_FD + 1;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  /** @param preopen the directory name the program sees, e.g. "/out" */
  constructor(private readonly preopen: string) {}

  /** The `wasi_snapshot_preview1` import object; bind it before instantiating. */
  imports(): Record<string, Import> {
    return {
      args_sizes_get: this.argsSizesGet,
      args_get: this.argsGet,
      clock_time_get: this.clockTimeGet,
      fd_prestat_get: this.fdPrestatGet,
      fd_prestat_dir_name: this.fdPrestatDirName,
      fd_fdstat_get: this.fdFdstatGet,
      fd_fdstat_set_flags: () => ERRNO.SUCCESS,
      path_open: this.pathOpen,
      fd_read: this.fdRead,
      fd_write: this.fdWrite,
      fd_seek: this.fdSeek,
      fd_close: this.fdClose,
      proc_exit: (code: number) => {
        throw new WasiExit(code);
      },
    };
  }

  /** Runs the command's `_start` once with `args` (argv[0] included). */
  run(instance: WebAssembly.Instance, args: string[]): WasiRunResult {
    if (this.instance) throw new Error('InMemoryWasi: a WASI command runs once per instance');
    this.instance = instance;
    this.args = args;
    let exitCode = 0;
    try {
      (instance.exports._start as () => void)();
    } catch (error) {
      if (!(error instanceof WasiExit)) throw error;
      exitCode = error.code;
    }
    const files = new Map([...this.files].map(([name, file]) => [name, file.contents()] as const));
    return { exitCode, output: this.output.join(''), files };
  }

  // Re-read on every call: memory.grow replaces the buffer.
  private view(): DataView {
    return new DataView((this.instance!.exports.memory as WebAssembly.Memory).buffer);
  }

  private encodedArgs(): Uint8Array[] {
    return this.args.map((arg) => this.encoder.encode(`${arg}\0`));
  }

  private readonly argsSizesGet = (argcPtr: number, bufSizePtr: number): number => {
    const encoded = this.encodedArgs();
    const view = this.view();
    view.setUint32(argcPtr, encoded.length, true);
    view.setUint32(
      bufSizePtr,
      encoded.reduce((n, a) => n + a.length, 0),
      true,
    );
    return ERRNO.SUCCESS;
  };

  private readonly argsGet = (argvPtr: number, bufPtr: number): number => {
    const view = this.view();
    const bytes = new Uint8Array(view.buffer);
    let offset = bufPtr;
    this.encodedArgs().forEach((arg, i) => {
      view.setUint32(argvPtr + 4 * i, offset, true);
      bytes.set(arg, offset);
      offset += arg.length;
    });
    return ERRNO.SUCCESS;
  };

  private readonly clockTimeGet = (
    clockId: number,
    _precision: bigint,
    timePtr: number,
  ): number => {
    const ns =
      clockId === CLOCK_REALTIME ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
    this.view().setBigUint64(timePtr, ns, true);
    return ERRNO.SUCCESS;
  };

  private readonly fdPrestatGet = (fd: number, bufPtr: number): number => {
    if (fd !== PREOPEN_FD) return ERRNO.BADF;
    const view = this.view();
    view.setUint8(bufPtr, 0); // tag: directory
    view.setUint32(bufPtr + 4, this.encoder.encode(this.preopen).length, true);
    return ERRNO.SUCCESS;
  };

  private readonly fdPrestatDirName = (fd: number, pathPtr: number, pathLen: number): number => {
    if (fd !== PREOPEN_FD) return ERRNO.BADF;
    new Uint8Array(this.view().buffer, pathPtr, pathLen).set(
      this.encoder.encode(this.preopen).subarray(0, pathLen),
    );
    return ERRNO.SUCCESS;
  };

  private readonly fdFdstatGet = (fd: number, bufPtr: number): number => {
    const type =
      fd <= STDERR
        ? FILETYPE.CHARACTER_DEVICE
        : fd === PREOPEN_FD
          ? FILETYPE.DIRECTORY
          : this.open.has(fd)
            ? FILETYPE.REGULAR_FILE
            : undefined;
    if (type === undefined) return ERRNO.BADF;
    const view = this.view();
    view.setUint8(bufPtr, type);
    view.setUint16(bufPtr + 2, 0, true); // fs_flags
    view.setBigUint64(bufPtr + 8, ALL_RIGHTS, true);
    view.setBigUint64(bufPtr + 16, ALL_RIGHTS, true);
    return ERRNO.SUCCESS;
  };

  private readonly pathOpen = (
    dirFd: number,
    _lookupFlags: number,
    pathPtr: number,
    pathLen: number,
    openFlags: number,
    _rightsBase: bigint,
    _rightsInheriting: bigint,
    _fdFlags: number,
    fdPtr: number,
  ): number => {
    if (dirFd !== PREOPEN_FD) return ERRNO.BADF;
    if (openFlags & OFLAGS.DIRECTORY) return ERRNO.NOTDIR;
    const name = this.decoder.decode(new Uint8Array(this.view().buffer, pathPtr, pathLen));
    if (name.includes('/') || name === '' || name === '.' || name === '..') return ERRNO.NOENT; // flat directory
    let file = this.files.get(name);
    if (file && openFlags & OFLAGS.EXCL) return ERRNO.EXIST;
    if (!file) {
      if (!(openFlags & OFLAGS.CREAT)) return ERRNO.NOENT;
      file = new MemoryFile();
      this.files.set(name, file);
    }
    if (openFlags & OFLAGS.TRUNC) file.size = 0;
    const fd = this.nextFd++;
    this.open.set(fd, { file, position: 0 });
    this.view().setUint32(fdPtr, fd, true);
    return ERRNO.SUCCESS;
  };

  /** The (pointer, length) pairs of an iovec array. */
  private *iovecs(iovsPtr: number, iovsLen: number): Generator<Uint8Array> {
    const view = this.view();
    for (let i = 0; i < iovsLen; i++) {
      yield new Uint8Array(
        view.buffer,
        view.getUint32(iovsPtr + 8 * i, true),
        view.getUint32(iovsPtr + 8 * i + 4, true),
      );
    }
  }

  private readonly fdWrite = (
    fd: number,
    iovsPtr: number,
    iovsLen: number,
    writtenPtr: number,
  ): number => {
    let written = 0;
    if (fd === STDOUT || fd === STDERR) {
      for (const chunk of this.iovecs(iovsPtr, iovsLen)) {
        this.output.push(this.decoder.decode(chunk));
        written += chunk.length;
      }
    } else {
      const open = this.open.get(fd);
      if (!open) return ERRNO.BADF;
      for (const chunk of this.iovecs(iovsPtr, iovsLen)) {
        open.file.write(open.position, chunk);
        open.position += chunk.length;
        written += chunk.length;
      }
    }
    this.view().setUint32(writtenPtr, written, true);
    return ERRNO.SUCCESS;
  };

  private readonly fdRead = (
    fd: number,
    iovsPtr: number,
    iovsLen: number,
    readPtr: number,
  ): number => {
    let read = 0;
    if (fd !== STDIN) {
      const open = this.open.get(fd);
      if (!open) return ERRNO.BADF;
      for (const target of this.iovecs(iovsPtr, iovsLen)) {
        const data = open.file.read(open.position, target.length);
        target.set(data);
        open.position += data.length;
        read += data.length;
        if (data.length < target.length) break;
      }
    } // stdin is empty
    this.view().setUint32(readPtr, read, true);
    return ERRNO.SUCCESS;
  };

  private readonly fdSeek = (
    fd: number,
    offset: bigint,
    whence: number,
    newOffsetPtr: number,
  ): number => {
    if (fd <= STDERR) return ERRNO.SPIPE;
    const open = this.open.get(fd);
    if (!open) return ERRNO.BADF;
    const base =
      whence === WHENCE.SET
        ? 0
        : whence === WHENCE.CUR
          ? open.position
          : whence === WHENCE.END
            ? open.file.size
            : NaN;
    const position = base + Number(offset);
    if (!Number.isInteger(position) || position < 0) return ERRNO.INVAL;
    open.position = position;
    this.view().setBigUint64(newOffsetPtr, BigInt(position), true);
    return ERRNO.SUCCESS;
  };

  private readonly fdClose = (fd: number): number => {
    if (fd <= STDERR || fd === PREOPEN_FD) return ERRNO.SUCCESS;
    return this.open.delete(fd) ? ERRNO.SUCCESS : ERRNO.BADF;
  };
}
