/**
 * Wire format between Node and a pocketsphinx-helper started with `-zygote`
 * (the comment above run_zygote() in pocketsphinx-helper.c is the reference):
 * length-prefixed commands in, JSON lines out, like the decoder protocol.
 */
import { constants } from 'node:os';

const FORK = 0x46; // 'F'
const QUIT = 0x51; // 'Q'
/** The helper refuses longer tokens as a desync. */
export const MAX_TOKEN_CHARS = 64;

export type ZygoteMessage =
  | { type: 'zygote'; loadMs: number }
  | { type: 'forked'; token: string; pid: number }
  | { type: 'forkFailed'; token: string; error: string }
  | { type: 'exit'; pid: number; code: number | null; signal: NodeJS.Signals | null };

function frame(command: number, payload: string): Buffer {
  const bytes = Buffer.from(payload, 'latin1');
  const out = Buffer.allocUnsafe(5 + bytes.length);
  out.writeUInt8(command, 0);
  out.writeUInt32LE(bytes.length, 1);
  bytes.copy(out, 5);
  return out;
}

/** Asks for one decoder; the child names itself with `token` when it connects. */
export function encodeFork(token: string): Buffer {
  if (!/^[0-9a-f]+$/.test(token) || token.length > MAX_TOKEN_CHARS)
    throw new RangeError(`bad fork token '${token}'`);
  return frame(FORK, token);
}

export function encodeQuit(): Buffer {
  return frame(QUIT, '');
}

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(
  Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]),
);

function record(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Parses one line of the zygote's stdout; undefined for anything malformed. */
export function parseZygoteMessage(line: string): ZygoteMessage | undefined {
  const value = record(line);
  if (!value) return undefined;
  const num = (key: string): number | undefined =>
    typeof value[key] === 'number' ? (value[key] as number) : undefined;
  const str = (key: string): string | undefined =>
    typeof value[key] === 'string' ? (value[key] as string) : undefined;
  const pid = num('pid');
  const token = str('token');
  switch (value.type) {
    case 'zygote':
      return { type: 'zygote', loadMs: num('loadMs') ?? 0 };
    case 'forked':
      return token === undefined || pid === undefined ? undefined : { type: 'forked', token, pid };
    case 'forkFailed':
      return token === undefined
        ? undefined
        : { type: 'forkFailed', token, error: str('error') ?? 'fork failed' };
    case 'exit': {
      if (pid === undefined) return undefined;
      const signal = num('signal');
      return {
        type: 'exit',
        pid,
        code: num('code') ?? null,
        signal: signal === undefined ? null : (SIGNAL_NAMES.get(signal) ?? null),
      };
    }
    default:
      return undefined;
  }
}

export interface Hello {
  /** The fork request it answers. */
  token: string;
  pid: number;
}

/** The first line a forked decoder writes on its socket. */
export function parseHello(line: string): Hello | undefined {
  const value = record(line);
  if (value?.type !== 'hello' || typeof value.token !== 'string' || typeof value.pid !== 'number')
    return undefined;
  return { token: value.token, pid: value.pid };
}
