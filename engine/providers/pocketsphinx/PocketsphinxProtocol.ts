/**
 * Wire format between Node and pocketsphinx-helper (see the comment at the top
 * of pocketsphinx-helper.c, which is the reference). Commands are
 * length-prefixed binary frames so PCM needs no encoding; replies are JSON
 * lines so they are easy to log and debug by hand.
 */

export type HelperCommand =
  | 'begin'
  | 'audio'
  | 'end'
  | 'cancel'
  | 'sync'
  | 'setCmn'
  | 'getCmn'
  | 'bias'
  | 'quit';

const COMMAND_BYTES: Record<HelperCommand, number> = {
  begin: 0x42, // 'B'
  audio: 0x41, // 'A'
  end: 0x45, // 'E'
  cancel: 0x43, // 'C'
  sync: 0x53, // 'S'
  setCmn: 0x4d, // 'M'
  getCmn: 0x47, // 'G'
  bias: 0x4c, // 'L'
  quit: 0x51, // 'Q'
};

/** Largest audio payload per frame; the helper rejects anything over 10 s as a desync. */
export const MAX_AUDIO_SAMPLES_PER_FRAME = 16_000;

const HEADER_BYTES = 5;

/** Frames a command; the payload is copied so callers may reuse their buffers at once. */
export function encodeHelperCommand(command: HelperCommand, payload?: Uint8Array): Buffer {
  const length = payload?.byteLength ?? 0;
  const frame = Buffer.allocUnsafe(HEADER_BYTES + length);
  frame.writeUInt8(COMMAND_BYTES[command], 0);
  frame.writeUInt32LE(length, 1);
  if (payload) frame.set(payload, HEADER_BYTES);
  return frame;
}

/** A command whose payload is one little-endian uint32 (utterance id, sync or get sequence). */
export function encodeHelperCommandWithId(
  command: 'begin' | 'sync' | 'getCmn',
  id: number,
): Buffer {
  const payload = new Uint8Array(4);
  new DataView(payload.buffer).setUint32(0, id, true);
  return encodeHelperCommand(command, payload);
}

/**
 * The decoder's cepstral mean normalisation state: the running mean of the
 * cepstrum (13 values for en-us) and how many frames of audio it stands for,
 * i.e. how hard the next utterances pull it.
 */
export interface CmnState {
  mean: readonly number[];
  frames: number;
}

/** sphinxbase's CMN_WIN: the weight cmn_live_set() gives a prior, ~5 s of speech. */
export const CMN_PRIOR_FRAMES = 500;
/** sphinxbase's CMN_WIN_HWM; the helper refuses heavier weights (they would decay at once). */
export const CMN_MAX_FRAMES = 800;

/** 'M': the means then the weight, all float32 LE. */
export function encodeSetCmn(state: CmnState): Buffer {
  const payload = new Uint8Array(4 * (state.mean.length + 1));
  const view = new DataView(payload.buffer);
  state.mean.forEach((value, i) => view.setFloat32(4 * i, value, true));
  view.setFloat32(4 * state.mean.length, state.frames, true);
  return encodeHelperCommand('setCmn', payload);
}

/** The largest bias model the helper accepts (MAX_BIAS_ARPA); a few thousand phrases fit comfortably. */
export const MAX_BIAS_ARPA_BYTES = 256 * 1024;

/**
 * 'L': sequence, interpolation weight, then the bias model's ARPA text (none:
 * back to the general model alone).
 */
export function encodeSetBias(seq: number, weight: number, arpa: string): Buffer {
  return encodeHelperCommand('bias', biasPayload(seq, weight, arpa));
}

/** The payload of 'L' (and of the zygote's 'B'): sequence, weight, ARPA text. */
export function biasPayload(seq: number, weight: number, arpa: string): Uint8Array {
  const text = Buffer.from(arpa, 'utf8');
  const payload = new Uint8Array(8 + text.byteLength);
  const view = new DataView(payload.buffer);
  view.setUint32(0, seq, true);
  view.setFloat32(4, weight, true);
  payload.set(text, 8);
  return payload;
}

/** What the decoder made of a bias model. */
export interface BiasReport {
  /** Words in the bias model (its unigrams, <s> and </s> included). */
  words: number;
  /** Its words the dictionary cannot pronounce: the decoder never proposes them (at most 50 listed). */
  oov: readonly string[];
  /** Time the decoder took to parse it and build the biased search (or to switch to it, when cached). */
  loadMs: number;
  /** The zygote had built it before this decoder was forked: it was only switched to. */
  cached: boolean;
}

/**
 * Frames PCM as one or more audio commands. Int16Array bytes are in host order;
 * the helper assumes little-endian, which every platform Node ships for is.
 */
export function encodeAudio(pcm: Int16Array): Buffer[] {
  const frames: Buffer[] = [];
  for (let start = 0; start < pcm.length; start += MAX_AUDIO_SAMPLES_PER_FRAME) {
    const part = pcm.subarray(start, Math.min(pcm.length, start + MAX_AUDIO_SAMPLES_PER_FRAME));
    frames.push(
      encodeHelperCommand('audio', new Uint8Array(part.buffer, part.byteOffset, part.byteLength)),
    );
  }
  return frames;
}

export type HelperMessage =
  | { type: 'ready'; loadMs: number; cmnSize: number }
  | { type: 'partial'; utt: number; text: string }
  | { type: 'final'; utt: number; text: string; decodeMs: number }
  | { type: 'sync'; seq: number }
  | ({ type: 'cmn'; seq: number } & CmnState)
  | ({ type: 'bias'; seq: number } & BiasReport)
  /** `seq` names the command that failed, when it carried one ('L'). */
  | { type: 'error'; message: string; seq?: number };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Parses one stdout line; returns undefined for anything that is not a well-formed message. */
export function parseHelperMessage(line: string): HelperMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const { type } = value;
  const num = (key: string): number | undefined =>
    typeof value[key] === 'number' ? (value[key] as number) : undefined;
  const str = (key: string): string | undefined =>
    typeof value[key] === 'string' ? (value[key] as string) : undefined;
  switch (type) {
    case 'ready':
      return { type, loadMs: num('loadMs') ?? 0, cmnSize: num('cmnSize') ?? 0 };
    case 'partial': {
      const utt = num('utt');
      const text = str('text');
      return utt === undefined || text === undefined ? undefined : { type, utt, text };
    }
    case 'final': {
      const utt = num('utt');
      const text = str('text');
      return utt === undefined || text === undefined
        ? undefined
        : { type, utt, text, decodeMs: num('decodeMs') ?? 0 };
    }
    case 'sync': {
      const seq = num('seq');
      return seq === undefined ? undefined : { type, seq };
    }
    case 'cmn': {
      const seq = num('seq');
      const frames = num('frames');
      const mean = value.mean;
      const valid = Array.isArray(mean) && mean.every((x) => typeof x === 'number');
      return seq === undefined || frames === undefined || !valid
        ? undefined
        : { type, seq, mean: mean as number[], frames };
    }
    case 'bias': {
      const seq = num('seq');
      const words = num('words');
      const oov = value.oov;
      const valid = Array.isArray(oov) && oov.every((x) => typeof x === 'string');
      return seq === undefined || words === undefined || !valid
        ? undefined
        : {
            type,
            seq,
            words,
            oov: oov as string[],
            loadMs: num('loadMs') ?? 0,
            cached: value.cached === true,
          };
    }
    case 'error': {
      const seq = num('seq');
      return {
        type,
        message: str('message') ?? 'unknown helper error',
        ...(seq === undefined ? {} : { seq }),
      };
    }
    default:
      return undefined;
  }
}
