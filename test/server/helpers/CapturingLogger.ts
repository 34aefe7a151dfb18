import type { Logger } from '../../../engine/core/Logger.ts';

export interface CapturedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string | undefined;
  fields: Record<string, unknown>;
  /** The line as pino would write it (without time and pid): what the log's size is made of. */
  bytes: number;
}

/** A Logger that keeps every line, children's included, with its size: for asserting that logs stay bounded. */
export class CapturingLogger implements Logger {
  readonly lines: CapturedLine[];

  constructor(
    private readonly bindings: Record<string, unknown> = {},
    lines: CapturedLine[] = [],
  ) {
    this.lines = lines;
  }

  get totalBytes(): number {
    return this.lines.reduce((sum, line) => sum + line.bytes, 0);
  }

  get largestLineBytes(): number {
    return this.lines.reduce((max, line) => Math.max(max, line.bytes), 0);
  }

  debug(obj: object, msg?: string): void {
    this.record('debug', obj, msg);
  }

  info(obj: object, msg?: string): void {
    this.record('info', obj, msg);
  }

  warn(obj: object, msg?: string): void {
    this.record('warn', obj, msg);
  }

  error(obj: object, msg?: string): void {
    this.record('error', obj, msg);
  }

  child(bindings: Record<string, unknown>): Logger {
    return new CapturingLogger({ ...this.bindings, ...bindings }, this.lines);
  }

  private record(level: CapturedLine['level'], obj: object, msg: string | undefined): void {
    const fields = { ...this.bindings, ...(obj as Record<string, unknown>) };
    this.lines.push({
      level,
      msg,
      fields,
      bytes: Buffer.byteLength(JSON.stringify({ level, ...fields, msg }, errorsAsText)),
    });
  }
}

function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? value.message : value;
}
