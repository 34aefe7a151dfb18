/**
 * Minimal RIFF/WAVE reader and writer for PCM s16 — the only format the engine
 * carries internally. Anything else is rejected loudly rather than guessed at.
 */

export interface WavAudio {
  /** Interleaved when `channels` > 1. */
  samples: Int16Array;
  sampleRate: number;
  channels: number;
}

export interface ReadWavOptions {
  /** Average all channels into one; the result then has `channels: 1`. */
  mixToMono?: boolean;
}

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

function fourcc(view: DataView, offset: number): string {
  return String.fromCharCode(
    view.getUint8(offset),
    view.getUint8(offset + 1),
    view.getUint8(offset + 2),
    view.getUint8(offset + 3),
  );
}

export function readWav(buf: Uint8Array, options: ReadWavOptions = {}): WavAudio {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.byteLength < 12 || fourcc(view, 0) !== 'RIFF' || fourcc(view, 8) !== 'WAVE') {
    throw new WavFormatError('not a WAV file (missing RIFF/WAVE header)');
  }

  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  let data: { offset: number; length: number } | undefined;
  let offset = 12;
  while (offset + 8 <= buf.byteLength) {
    const id = fourcc(view, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16) throw new WavFormatError(`fmt chunk too short (${size} bytes)`);
      let format = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of the sub-format GUID.
      if (format === WAVE_FORMAT_EXTENSIBLE && size >= 40) format = view.getUint16(body + 24, true);
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      // Streaming writers leave the size as 0 or 0xFFFFFFFF; take what is actually there.
      const available = buf.byteLength - body;
      data = { offset: body, length: size === 0 || size > available ? available : size };
      if (fmt) break;
    }
    offset = body + size + (size & 1); // chunks are padded to even sizes
  }

  if (!fmt) throw new WavFormatError('WAV file has no fmt chunk');
  if (!data) throw new WavFormatError('WAV file has no data chunk');
  if (fmt.format !== WAVE_FORMAT_PCM) {
    throw new WavFormatError(
      `unsupported WAV encoding 0x${fmt.format.toString(16)} (only PCM s16 is supported)`,
    );
  }
  if (fmt.bits !== 16)
    throw new WavFormatError(
      `unsupported WAV bit depth ${fmt.bits} (only 16-bit PCM is supported)`,
    );
  if (fmt.channels < 1) throw new WavFormatError('WAV file declares 0 channels');
  if (fmt.sampleRate < 1) throw new WavFormatError('WAV file declares sample rate 0');

  const frameBytes = 2 * fmt.channels;
  const frames = Math.floor(data.length / frameBytes);
  const interleaved = new Int16Array(frames * fmt.channels);
  for (let i = 0; i < interleaved.length; i++)
    interleaved[i] = view.getInt16(data.offset + 2 * i, true);

  if (!options.mixToMono || fmt.channels === 1) {
    return { samples: interleaved, sampleRate: fmt.sampleRate, channels: fmt.channels };
  }
  const mono = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < fmt.channels; c++) sum += interleaved[f * fmt.channels + c];
    mono[f] = Math.round(sum / fmt.channels);
  }
  return { samples: mono, sampleRate: fmt.sampleRate, channels: 1 };
}

/** Mono PCM s16 WAV with the canonical 44-byte header. */
export function writeWav(samples: Int16Array, sampleRate: number): Buffer {
  const dataBytes = samples.length * 2;
  const out = Buffer.alloc(44 + dataBytes);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + dataBytes, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(WAVE_FORMAT_PCM, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i], 44 + 2 * i);
  return out;
}
