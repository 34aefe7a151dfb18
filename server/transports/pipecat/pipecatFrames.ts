/**
 * Encodes and decodes `pipecat.Frame`, the protobuf envelope of Pipecat's
 * WebSocket transport (schema in frames.proto next to this file).
 */
import protobuf from 'protobufjs';

const descriptor = {
  nested: {
    pipecat: {
      nested: {
        TextFrame: {
          fields: {
            id: { type: 'uint64', id: 1 },
            name: { type: 'string', id: 2 },
            text: { type: 'string', id: 3 },
          },
        },
        AudioRawFrame: {
          oneofs: { _pts: { oneof: ['pts'] } },
          fields: {
            id: { type: 'uint64', id: 1 },
            name: { type: 'string', id: 2 },
            audio: { type: 'bytes', id: 3 },
            sample_rate: { type: 'uint32', id: 4 },
            num_channels: { type: 'uint32', id: 5 },
            pts: { type: 'uint64', id: 6, options: { proto3_optional: true } },
          },
        },
        TranscriptionFrame: {
          fields: {
            id: { type: 'uint64', id: 1 },
            name: { type: 'string', id: 2 },
            text: { type: 'string', id: 3 },
            user_id: { type: 'string', id: 4 },
            timestamp: { type: 'string', id: 5 },
          },
        },
        MessageFrame: { fields: { data: { type: 'string', id: 1 } } },
        Frame: {
          oneofs: { frame: { oneof: ['text', 'audio', 'transcription', 'message'] } },
          fields: {
            text: { type: 'TextFrame', id: 1 },
            audio: { type: 'AudioRawFrame', id: 2 },
            transcription: { type: 'TranscriptionFrame', id: 3 },
            message: { type: 'MessageFrame', id: 4 },
          },
        },
      },
    },
  },
};

const FrameType = protobuf.Root.fromJSON(descriptor).lookupType('pipecat.Frame');

export type PipecatFrame =
  | { kind: 'audio'; audio: Uint8Array; sampleRate: number; numChannels: number }
  | { kind: 'text'; text: string }
  | { kind: 'transcription'; text: string; userId: string; timestamp: string }
  | { kind: 'message'; data: string };

interface DecodedFrame {
  frame?: string;
  text?: { text?: string };
  audio?: { audio?: Uint8Array; sample_rate?: number; num_channels?: number };
  transcription?: { text?: string; user_id?: string; timestamp?: string };
  message?: { data?: string };
}

export class PipecatFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PipecatFrameError';
  }
}

/** Throws PipecatFrameError on bytes that are not a pipecat.Frame with one of the known kinds. */
export function decodePipecatFrame(bytes: Uint8Array): PipecatFrame {
  let decoded: DecodedFrame;
  try {
    decoded = FrameType.decode(bytes) as unknown as DecodedFrame;
  } catch (error) {
    throw new PipecatFrameError(
      `not a pipecat.Frame: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  switch (decoded.frame) {
    case 'audio': {
      // protobufjs decodes an absent `bytes` field as a plain empty array, not a Uint8Array.
      const audio = decoded.audio?.audio;
      return {
        kind: 'audio',
        audio: audio instanceof Uint8Array ? audio : new Uint8Array(0),
        sampleRate: decoded.audio?.sample_rate ?? 0,
        numChannels: decoded.audio?.num_channels ?? 0,
      };
    }
    case 'text':
      return { kind: 'text', text: decoded.text?.text ?? '' };
    case 'transcription':
      return {
        kind: 'transcription',
        text: decoded.transcription?.text ?? '',
        userId: decoded.transcription?.user_id ?? '',
        timestamp: decoded.transcription?.timestamp ?? '',
      };
    case 'message':
      return { kind: 'message', data: decoded.message?.data ?? '' };
    default:
      throw new PipecatFrameError(
        'pipecat.Frame carries none of text, audio, transcription or message',
      );
  }
}

export function encodeAudioFrame(samples: Int16Array, sampleRate: number): Uint8Array {
  const audio = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  return FrameType.encode(
    FrameType.create({ audio: { name: 'audio', audio, sample_rate: sampleRate, num_channels: 1 } }),
  ).finish();
}

export function encodeMessageFrame(message: unknown): Uint8Array {
  return FrameType.encode(
    FrameType.create({ message: { data: JSON.stringify(message) } }),
  ).finish();
}
