/**
 * Wire format between Node and a pocketsphinx-helper started with `-zygote`
 * (the comment above run_zygote() in pocketsphinx-helper.c is the reference):
 * length-prefixed commands in, JSON lines out, like the decoder protocol.
 */
import { constants } from 'node:os';
import {
  type BiasReport,
  biasPayload,
  type HelperMessage,
  parseHelperMessage,
} from './PocketsphinxProtocol.ts';

const FORK = 0x46; // 'F'
const PREPARE_BIAS = 0x42; // 'B'
const QUIT = 0x51; // 'Q'
/** The helper refuses longer tokens as a desync. */
export const MAX_TOKEN_CHARS = 64;

export type ZygoteMessage =
  | { type: 'zygote'; loadMs: number }
  | { type: 'forked'; token: string; pid: number }
  | { type: 'forkFailed'; token: string; error: string }
  | { type: 'exit'; pid: number; code: number | null; signal: NodeJS.Signals | null }
  /** The answer to a prepared bias ('B'), in the decoder protocol's shape. */
  | ({ type: 'bias'; seq: number } & BiasReport)
  | Extract<HelperMessage, { type: 'error' }>;

function frame(command: number, payload: string | Uint8Array): Buffer {
  const bytes = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const out = Buffer.allocUnsafe(5 + bytes.length);
  out.writeUInt8(command, 0);
  out.writeUInt32LE(bytes.length, 1);
  out.set(bytes, 5);
  return out;
}

/** Builds a bias model in the zygote once, for every decoder it forks later (see 'B' in the helper). */
export function encodePrepareBias(seq: number, weight: number, arpa: string): Buffer {
  return frame(PREPARE_BIAS, biasPayload(seq, weight, arpa));
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
    case 'bias':
    case 'error': {
      const message = parseHelperMessage(line);
      return message?.type === 'bias' || message?.type === 'error' ? message : undefined;
    }
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
