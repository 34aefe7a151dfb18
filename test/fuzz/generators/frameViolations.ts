/**
 * Frames that break RFC 6455, on any WebSocket surface. `ws` must refuse
 * each with a close frame carrying the right code — 1002 protocol error,
 * 1007 invalid UTF-8, 1009 too big — which it does only when the server
 * listens for the socket's 'error' event; without a listener the same
 * violation is an uncaught exception.
 */
import { type ClientFrame, closePayload, Opcode } from '../../server/helpers/RawWebSocketFrames.ts';
import type { WsDriver } from '../drivers/WsDriver.ts';
import type { CaseKind } from '../FuzzCase.ts';
import type { Rng } from '../Rng.ts';
import { runWsCase, type WsCaseOptions } from '../runWsCase.ts';
import { bigAscii, hex, INVALID_UTF8, textWithInvalidUtf8 } from './byteShapes.ts';

const PROTOCOL_ERROR = [1002];
const INVALID_PAYLOAD = [1007];
const TOO_BIG = [1009];
/** The server's hard frame limit: 4 × the 1 MB message limit. */
const HARD_LIMIT = 4 * 1024 * 1024;

const RESERVED_OPCODES = [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf];
const CONTROL_OPCODES = [Opcode.close, Opcode.ping, Opcode.pong];
/** Close codes RFC 6455 §7.4 forbids on the wire. */
const INVALID_CLOSE_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];

type Build = (rng: Rng, driver: WsDriver) => { title: string } & Omit<WsCaseOptions, 'driver'>;

/** A kind whose cases each pick one of the surface's drivers (e.g. live list or live session). */
function frameKind(name: string, drivers: readonly WsDriver[], build: Build): CaseKind {
  return {
    name,
    make(rng) {
      const driver = rng.pick(drivers);
      const { title, ...options } = build(rng, driver);
      return {
        title: drivers.length > 1 ? `${driver.name}: ${title}` : title,
        run: (ctx) => runWsCase(ctx, { driver, ...options }),
      };
    },
  };
}

const send =
  (...frames: ClientFrame[]) =>
  (ws: { sendFrame(frame: ClientFrame): void }) =>
    frames.forEach((f) => ws.sendFrame(f));

export function frameViolationKinds(drivers: readonly WsDriver[]): CaseKind[] {
  return [
    frameKind('invalid-utf8-text', drivers, (rng) => {
      const { name, bytes } = textWithInvalidUtf8(rng);
      const fragmented = rng.bool(0.3);
      const frames: ClientFrame[] = fragmented
        ? [
            { opcode: Opcode.text, fin: false, payload: bytes.subarray(0, 1) },
            { opcode: Opcode.continuation, payload: bytes.subarray(1) },
          ]
        : [{ opcode: Opcode.text, payload: bytes }];
      return {
        title: `text frame with ${name}${fragmented ? ', fragmented' : ''} (${hex(bytes)})`,
        act: send(...frames),
        expect: { kind: 'closes', codes: INVALID_PAYLOAD },
      };
    }),
    frameKind('reserved-opcode', drivers, (rng) => {
      const opcode = rng.pick(RESERVED_OPCODES);
      const payload = rng.bytes(rng.int(0, 100));
      return {
        title: `opcode 0x${opcode.toString(16)} with ${payload.length} bytes`,
        act: send({ opcode, payload, fin: rng.bool(0.8) }),
        expect: { kind: 'closes', codes: PROTOCOL_ERROR },
      };
    }),
    frameKind('rsv-bits', drivers, (rng) => {
      const rsv = rng.int(1, 7);
      const opcode = rng.pick([Opcode.text, Opcode.binary, Opcode.ping]);
      return {
        title: `RSV bits ${rsv.toString(2).padStart(3, '0')} on opcode ${opcode} (no extension negotiated)`,
        act: send({ opcode, rsv, payload: Buffer.from('{}') }),
        expect: { kind: 'closes', codes: PROTOCOL_ERROR },
      };
    }),
    frameKind('fragmented-control', drivers, (rng) => {
      const opcode = rng.pick(CONTROL_OPCODES);
      const payload = opcode === Opcode.close ? closePayload(1000) : rng.bytes(rng.int(0, 20));
      return {
        title: `control opcode 0x${opcode.toString(16)} with FIN clear`,
        act: send(
          { opcode, fin: false, payload },
          { opcode: Opcode.continuation, payload: rng.bytes(4) },
        ),
        expect: { kind: 'closes', codes: PROTOCOL_ERROR },
      };
    }),
    frameKind('oversized-control', drivers, (rng) => {
      const opcode = rng.pick(CONTROL_OPCODES);
      const length = rng.pick([126, 127, 200, rng.int(126, 4000)]);
      const payload =
        opcode === Opcode.close ? closePayload(1000, bigAscii(length - 2)) : rng.bytes(length);
      return {
        title: `control opcode 0x${opcode.toString(16)} with ${length}-byte payload (max 125)`,
        act: send({ opcode, payload }),
        expect: { kind: 'closes', codes: PROTOCOL_ERROR },
      };
    }),
    frameKind('unmasked-client-frame', drivers, (_rng, driver) => {
      const message = driver.validMessage('unmasked');
      return {
        title: `a valid ${message.binary ? 'binary' : 'text'} message sent unmasked`,
        act: send({
          opcode: message.binary ? Opcode.binary : Opcode.text,
          payload: message.data,
          masking: 'unmasked',
        }),
        expect: { kind: 'closes', codes: PROTOCOL_ERROR },
      };
    }),
    frameKind('mask-key-but-plain-payload', drivers, (rng, driver) => {
      const message = driver.validMessage('plain');
      const maskKey = rng.bytes(4);
      return {
        title: `mask bit and key ${hex(maskKey)} sent, payload not masked (server unmasks into garbage)`,
        act: send({
          opcode: message.binary ? Opcode.binary : Opcode.text,
          payload: message.data,
          masking: 'key-but-plain',
          maskKey,
        }),
        expect: { kind: 'works-or-closes', codes: INVALID_PAYLOAD },
      };
    }),
    frameKind('masked-then-unmasked-fragment', drivers, (rng, driver) => {
      const data = driver.validMessage('mixed').data;
      const cut = rng.int(1, data.length - 1);
      return {
        title: `first fragment masked, continuation unmasked (cut at ${cut})`,
        act: send(
          { opcode: Opcode.text, fin: false, payload: data.subarray(0, cut) },
          { opcode: Opcode.continuation, payload: data.subarray(cut), masking: 'unmasked' },
        ),
        expect: { kind: 'closes', codes: PROTOCOL_ERROR },
      };
    }),
    frameKind('length-lie-then-eof', drivers, (rng) => {
      const sent = rng.int(0, 60);
      const declared = BigInt(sent + rng.pick([1, 10, 1000, 60_000, 1_000_000]));
      return {
        title: `declares ${declared} bytes, sends ${sent}, then closes the TCP stream`,
        act: (ws) => {
          ws.sendFrame({
            opcode: rng.pick([Opcode.text, Opcode.binary]),
            payload: rng.bytes(sent),
            declaredLength: declared,
          });
          ws.endTcp();
        },
        expect: { kind: 'closes', codes: [1000, 1001], orTcpClose: true },
      };
    }),
    frameKind('length-64-bit-high-bit', drivers, (rng) => {
      const declared = (1n << 63n) | BigInt(rng.int(0, 2 ** 31));
      return {
        title: `64-bit length 0x${declared.toString(16)} (most significant bit set)`,
        act: send({
          opcode: Opcode.binary,
          payload: rng.bytes(16),
          declaredLength: declared,
          lengthForm: '64',
        }),
        expect: { kind: 'closes', codes: TOO_BIG },
      };
    }),
    frameKind('length-beyond-limit', drivers, (rng) => {
      const declared = rng.pick([
        BigInt(HARD_LIMIT + 1),
        1n << 40n,
        (1n << 53n) + 1n,
        BigInt(rng.int(HARD_LIMIT + 1, 2 ** 31)),
      ]);
      return {
        title: `header declares ${declared} bytes, 64 sent`,
        act: send({
          opcode: Opcode.text,
          payload: bigAscii(64),
          declaredLength: declared,
          lengthForm: '64',
        }),
        expect: { kind: 'closes', codes: TOO_BIG },
      };
    }),
    frameKind('non-minimal-length', drivers, (rng, driver) => {
      const message = driver.validMessage('long-form');
      const lengthForm = rng.pick(['16', '64'] as const);
      return {
        title: `a valid message with its length in the ${lengthForm}-bit form though it fits in 7 (RFC: minimal form; ws accepts it)`,
        act: send({
          opcode: message.binary ? Opcode.binary : Opcode.text,
          payload: message.data,
          lengthForm,
        }),
        expect: { kind: 'keeps-working', cleanly: true },
      };
    }),
    frameKind('continuation-without-start', drivers, (rng) => ({
      title: 'a continuation frame with no message to continue',
      act: send({
        opcode: Opcode.continuation,
        fin: rng.bool(),
        payload: rng.bytes(rng.int(0, 50)),
      }),
      expect: { kind: 'closes', codes: PROTOCOL_ERROR },
    })),
    frameKind('text-inside-fragmented-binary', drivers, (rng) => ({
      title: 'binary message started, a text frame interleaved before it ends',
      act: send(
        { opcode: Opcode.binary, fin: false, payload: rng.bytes(10) },
        { opcode: Opcode.text, payload: Buffer.from('{"interleaved":true}') },
        { opcode: Opcode.continuation, payload: rng.bytes(10) },
      ),
      expect: { kind: 'closes', codes: PROTOCOL_ERROR },
    })),
    frameKind('oversized-frame', drivers, (rng) => {
      const size = rng.int(HARD_LIMIT + 1, HARD_LIMIT + 2 * 1024 * 1024);
      const opcode = rng.pick([Opcode.text, Opcode.binary]);
      // Payloads are built in `act`, not here: cases are made when vitest collects them, thousands at a time.
      return {
        title: `one ${opcode === Opcode.text ? 'text' : 'binary'} frame of ${size} bytes (hard limit ${HARD_LIMIT})`,
        act: (ws) => ws.sendFrame({ opcode, payload: bigAscii(size) }),
        expect: { kind: 'closes', codes: TOO_BIG },
      };
    }),
    frameKind('oversized-fragmented', drivers, (rng) => {
      const fragments = rng.int(5, 9);
      const each = Math.ceil((HARD_LIMIT + 1) / (fragments - 1));
      const piece = (i: number): ClientFrame => ({
        opcode: i === 0 ? Opcode.binary : Opcode.continuation,
        fin: i === fragments - 1,
        payload: bigAscii(each),
      });
      return {
        title: `${fragments} fragments of ${each} bytes: the message passes the hard limit midway`,
        act: (ws) => {
          for (let i = 0; i < fragments; i++) ws.sendFrame(piece(i));
        },
        expect: { kind: 'closes', codes: TOO_BIG },
      };
    }),
    frameKind('close-invalid-code', drivers, (rng) => {
      const code = rng.pick(INVALID_CLOSE_CODES);
      return {
        title: `close frame with code ${code}`,
        act: send({ opcode: Opcode.close, payload: closePayload(code) }),
        expect: { kind: 'closes', codes: PROTOCOL_ERROR },
      };
    }),
    frameKind('close-one-byte', drivers, (rng) => ({
      title: 'close frame with a 1-byte payload',
      act: send({ opcode: Opcode.close, payload: rng.bytes(1) }),
      expect: { kind: 'closes', codes: PROTOCOL_ERROR },
    })),
    frameKind('close-invalid-utf8-reason', drivers, (rng) => {
      const bad = rng.pick(INVALID_UTF8);
      return {
        title: `close 1000 with a reason holding ${bad.name}`,
        act: send({
          opcode: Opcode.close,
          payload: closePayload(1000, Buffer.from([0x62, 0x79, 0x65, ...bad.bytes])),
        }),
        expect: { kind: 'closes', codes: INVALID_PAYLOAD },
      };
    }),
  ];
}
