/**
 * Moshi's WebSocket messages (kyutai-labs/moshi, rust/protocol.md): binary,
 * the first byte is the kind, the rest its payload, little endian.
 */
export const MESSAGE_KIND = {
  handshake: 0,
  audio: 1,
  text: 2,
  control: 3,
  metadata: 4,
  error: 5,
  ping: 6,
} as const;

/** Control actions (one payload byte); protocol.md says they are unused in full streaming. */
export const CONTROL_ACTION = { start: 0, endTurn: 1, pause: 2, restart: 3 } as const;
export type ControlAction = keyof typeof CONTROL_ACTION;

export type MoshiMessage =
  | { kind: 'handshake'; protocolVersion: number; modelVersion: number }
  /** Ogg pages of Opus, 24 kHz mono: a stream cut anywhere, not whole pages per message. */
  | { kind: 'audio'; data: Uint8Array }
  /** A piece of the bot's words, as its tokenizer cut them (leading space = new word). */
  | { kind: 'text'; text: string }
  | { kind: 'control'; action: ControlAction }
  | { kind: 'metadata'; data: unknown }
  | { kind: 'error'; message: string }
  | { kind: 'ping' };

const utf8 = new TextDecoder();

export function encodeMessage(message: MoshiMessage): Buffer {
  const kind = MESSAGE_KIND[message.kind];
  switch (message.kind) {
    case 'handshake': {
      const out = Buffer.alloc(9);
      out[0] = kind;
      out.writeUInt32LE(message.protocolVersion, 1);
      out.writeUInt32LE(message.modelVersion, 5);
      return out;
    }
    case 'audio':
      return Buffer.concat([Buffer.of(kind), message.data]);
    case 'text':
      return Buffer.concat([Buffer.of(kind), Buffer.from(message.text, 'utf8')]);
    case 'control':
      return Buffer.of(kind, CONTROL_ACTION[message.action]);
    case 'metadata':
      return Buffer.concat([Buffer.of(kind), Buffer.from(JSON.stringify(message.data), 'utf8')]);
    case 'error':
      return Buffer.concat([Buffer.of(kind), Buffer.from(message.message, 'utf8')]);
    case 'ping':
      return Buffer.of(kind);
  }
}

/**
 * One message, or undefined for what the protocol says to discard (an unknown
 * kind, an empty or malformed message). A bare handshake byte is accepted:
 * the Python server sends the kind alone, without the two versions.
 */
export function decodeMessage(bytes: Uint8Array): MoshiMessage | undefined {
  if (bytes.length === 0) return undefined;
  const payload = bytes.subarray(1);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  switch (bytes[0]) {
    case MESSAGE_KIND.handshake:
      return {
        kind: 'handshake',
        protocolVersion: payload.length >= 4 ? view.getUint32(0, true) : 0,
        modelVersion: payload.length >= 8 ? view.getUint32(4, true) : 0,
      };
    case MESSAGE_KIND.audio:
      return { kind: 'audio', data: payload };
    case MESSAGE_KIND.text:
      return { kind: 'text', text: utf8.decode(payload) };
    case MESSAGE_KIND.control: {
      const action = (Object.keys(CONTROL_ACTION) as ControlAction[]).find(
        (name) => CONTROL_ACTION[name] === payload[0],
      );
      return action ? { kind: 'control', action } : undefined;
    }
    case MESSAGE_KIND.metadata:
      try {
        return { kind: 'metadata', data: JSON.parse(utf8.decode(payload)) as unknown };
      } catch {
        return undefined;
      }
    case MESSAGE_KIND.error:
      return { kind: 'error', message: utf8.decode(payload) };
    case MESSAGE_KIND.ping:
      return { kind: 'ping' };
    default:
      return undefined;
  }
}
