/**
 * ITU-T G.711 μ-law and A-law companding (telephony audio: Twilio, SIP).
 * Encoding goes through 64 KiB lookup tables indexed by the raw 16-bit sample,
 * so a 20 ms phone frame costs 160 array reads; the tables are built once from
 * the segment formulas of the standard.
 */

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

function encodeMuLawSample(sample: number): number {
  let magnitude = sample < 0 ? -sample : sample;
  const sign = sample < 0 ? 0x80 : 0x00;
  if (magnitude > MULAW_CLIP) magnitude = MULAW_CLIP;
  magnitude += MULAW_BIAS;
  // Segment = position of the highest set bit above bit 7 (bias guarantees bit 7 is reachable).
  const exponent = 31 - Math.clz32(magnitude) - 7;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function decodeMuLawSample(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

function encodeALawSample(sample: number): number {
  // Even bits are inverted on the wire (0x55); the sign bit is set for positive values.
  let mask = 0xd5;
  let magnitude = sample;
  if (sample < 0) {
    mask = 0x55;
    magnitude = -sample - 1; // one's complement keeps -32768 in range
  }
  let code: number;
  if (magnitude < 256) {
    code = magnitude >> 4;
  } else {
    const exponent = 31 - Math.clz32(magnitude) - 7;
    code = (exponent << 4) | ((magnitude >> (exponent + 3)) & 0x0f);
  }
  return code ^ mask;
}

function decodeALawSample(code: number): number {
  const a = code ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  let magnitude = (a & 0x0f) << 4;
  if (exponent === 0) magnitude += 8;
  else magnitude = (magnitude + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function buildEncodeTable(encode: (sample: number) => number): Uint8Array {
  const table = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) table[i] = encode((i << 16) >> 16); // index is the sample's bit pattern
  return table;
}

function buildDecodeTable(decode: (code: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let i = 0; i < 256; i++) table[i] = decode(i);
  return table;
}

const MULAW_ENCODE = buildEncodeTable(encodeMuLawSample);
const MULAW_DECODE = buildDecodeTable(decodeMuLawSample);
const ALAW_ENCODE = buildEncodeTable(encodeALawSample);
const ALAW_DECODE = buildDecodeTable(decodeALawSample);

export function linearToMuLaw(sample: number): number {
  return MULAW_ENCODE[sample & 0xffff];
}

export function muLawToLinear(code: number): number {
  return MULAW_DECODE[code & 0xff];
}

export function linearToALaw(sample: number): number {
  return ALAW_ENCODE[sample & 0xffff];
}

export function aLawToLinear(code: number): number {
  return ALAW_DECODE[code & 0xff];
}

export function muLawEncode(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = MULAW_ENCODE[samples[i] & 0xffff];
  return out;
}

export function muLawDecode(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = MULAW_DECODE[codes[i]];
  return out;
}

export function aLawEncode(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = ALAW_ENCODE[samples[i] & 0xffff];
  return out;
}

export function aLawDecode(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = ALAW_DECODE[codes[i]];
  return out;
}
