/**
 * `pipecat.Frame` bytes built field by field (protobufjs Writer), so any field
 * can hold any value, plus mutations of valid frames and wire-level tricks
 * (lengths beyond the buffer, groups nested thousands deep).
 * Field numbers follow server/transports/pipecat/frames.proto.
 */
import protobuf from 'protobufjs';
import type { Rng } from '../Rng.ts';

const LENGTH_DELIMITED = 2;
const tag = (field: number, wireType: number) => (field << 3) | wireType;

/** Frame.audio (2) = AudioRawFrame { audio (3), sample_rate (4), num_channels (5) }; absent fields are left out. */
export function audioFrame(fields: {
  audio?: Uint8Array;
  sampleRate?: number;
  channels?: number;
}): Uint8Array {
  const inner = protobuf.Writer.create();
  if (fields.audio) inner.uint32(tag(3, LENGTH_DELIMITED)).bytes(fields.audio);
  if (fields.sampleRate !== undefined) inner.uint32(tag(4, 0)).uint32(fields.sampleRate);
  if (fields.channels !== undefined) inner.uint32(tag(5, 0)).uint32(fields.channels);
  return protobuf.Writer.create().uint32(tag(2, LENGTH_DELIMITED)).bytes(inner.finish()).finish();
}

/** Frame.message (4) = MessageFrame { data (1) }. */
export function messageFrame(data: string): Uint8Array {
  const inner = protobuf.Writer.create().uint32(tag(1, LENGTH_DELIMITED)).string(data).finish();
  return protobuf.Writer.create().uint32(tag(4, LENGTH_DELIMITED)).bytes(inner).finish();
}

/** Frame.text (1) = TextFrame { text (3) }, or Frame.transcription (3) = TranscriptionFrame { text (3), user_id (4), timestamp (5) }. */
export function textFrame(
  text: string,
  as: 'text' | 'transcription' = 'text',
  userId = 'user',
): Uint8Array {
  const inner = protobuf.Writer.create().uint32(tag(3, LENGTH_DELIMITED)).string(text);
  if (as === 'transcription')
    inner
      .uint32(tag(4, LENGTH_DELIMITED))
      .string(userId)
      .uint32(tag(5, LENGTH_DELIMITED))
      .string(new Date(0).toISOString());
  return protobuf.Writer.create()
    .uint32(tag(as === 'text' ? 1 : 3, LENGTH_DELIMITED))
    .bytes(inner.finish())
    .finish();
}

/** A length-delimited field whose length varint claims `claimed` bytes while far fewer follow. */
export function lengthBeyondBuffer(rng: Rng, claimed: number): Uint8Array {
  const w = protobuf.Writer.create()
    .uint32(tag(rng.pick([1, 2, 3, 4]), LENGTH_DELIMITED))
    .uint32(claimed);
  return Buffer.concat([w.finish(), Buffer.from(rng.bytes(rng.int(0, 20)))]);
}

/** Unknown field 15 as a group (wire type 3) opened `depth` times: decoders that skip groups recursively run out of stack. */
export function nestedGroups(depth: number): Uint8Array {
  const open = tag(15, 3);
  const close = tag(15, 4);
  return Buffer.concat([Buffer.alloc(depth, open), Buffer.alloc(depth, close)]);
}

/** A valid frame changed a few times at random: bit flips, bytes inserted, dropped, duplicated, cut short. */
export function mutate(rng: Rng, bytes: Uint8Array): { bytes: Uint8Array; mutations: string[] } {
  let out = Buffer.from(bytes);
  const mutations: string[] = [];
  for (let n = rng.int(1, 4); n > 0 && out.length > 0; n--) {
    const at = rng.int(0, out.length - 1);
    switch (rng.int(0, 5)) {
      case 0: {
        const bit = rng.int(0, 7);
        out[at] ^= 1 << bit;
        mutations.push(`flip bit ${bit} of byte ${at}`);
        break;
      }
      case 1: {
        const inserted = Buffer.from(rng.bytes(rng.int(1, 8)));
        out = Buffer.concat([out.subarray(0, at), inserted, out.subarray(at)]);
        mutations.push(`insert ${inserted.length} bytes at ${at}`);
        break;
      }
      case 2:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
        mutations.push(`drop byte ${at}`);
        break;
      case 3:
        out = out.subarray(0, at);
        mutations.push(`cut at ${at}`);
        break;
      case 4:
        out = Buffer.concat([out, out]);
        mutations.push('doubled');
        break;
      default:
        out[at] = rng.pick([0x00, 0xff, 0x7f, 0x80]);
        mutations.push(`byte ${at} := ${out[at]}`);
    }
  }
  return { bytes: out, mutations };
}
