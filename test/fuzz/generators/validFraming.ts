/**
 * Positive controls: framing that is unusual but legal — a message cut into
 * many fragments (cuts may fall inside a UTF-8 character), control frames
 * between the fragments, a burst of pings. The server must take these
 * without an error; they also prove the hand-made frames are right, so the
 * refusals of the other kinds mean what they seem to.
 */
import { type ClientFrame, Opcode } from '../../server/helpers/RawWebSocketFrames.ts';
import type { WsDriver } from '../drivers/WsDriver.ts';
import type { CaseKind } from '../FuzzCase.ts';
import { runWsCase } from '../runWsCase.ts';
import { cutPoints, splitAt } from './byteShapes.ts';

function fragments(
  _data: Buffer,
  binary: boolean,
  pieces: Buffer[],
  between: (i: number) => ClientFrame[],
): ClientFrame[] {
  const frames: ClientFrame[] = [];
  pieces.forEach((payload, i) => {
    frames.push({
      opcode: i === 0 ? (binary ? Opcode.binary : Opcode.text) : Opcode.continuation,
      fin: i === pieces.length - 1,
      payload,
    });
    if (i < pieces.length - 1) frames.push(...between(i));
  });
  return frames;
}

export function validFramingKinds(drivers: readonly WsDriver[]): CaseKind[] {
  const title = (driver: WsDriver, text: string) =>
    drivers.length > 1 ? `${driver.name}: ${text}` : text;
  return [
    {
      name: 'valid-fragments-with-pings',
      make(rng) {
        const driver = rng.pick(drivers);
        const count = rng.int(2, 20);
        const pings = rng.bool();
        return {
          title: title(
            driver,
            `a valid message in ${count} fragments${pings ? ', a ping between each' : ''}`,
          ),
          run: (ctx) =>
            runWsCase(ctx, {
              driver,
              act(ws) {
                const { data, binary } = driver.validMessage(ctx.tag);
                const ping = (): ClientFrame[] =>
                  pings ? [{ opcode: Opcode.ping, payload: rng.bytes(rng.int(0, 125)) }] : [];
                for (const frame of fragments(
                  data,
                  binary,
                  splitAt(data, cutPoints(rng, data.length, count)),
                  ping,
                ))
                  ws.sendFrame(frame);
              },
              expect: { kind: 'keeps-working', cleanly: true },
            }),
        };
      },
    },
    {
      name: 'one-byte-fragments',
      make(rng) {
        const driver = rng.pick(drivers);
        return {
          title: title(driver, 'a valid message one byte per fragment'),
          run: (ctx) =>
            runWsCase(ctx, {
              driver,
              act(ws) {
                const { data, binary } = driver.validMessage(ctx.tag);
                const pieces = splitAt(
                  data,
                  Array.from({ length: data.length - 1 }, (_, i) => i + 1),
                );
                for (const frame of fragments(data, binary, pieces, () => [])) ws.sendFrame(frame);
              },
              expect: { kind: 'keeps-working', cleanly: true },
            }),
        };
      },
    },
    {
      name: 'ping-burst',
      make(rng) {
        const driver = rng.pick(drivers);
        const count = rng.int(5, 50);
        return {
          title: title(
            driver,
            `${count} pings and pongs with random payloads, then a valid message`,
          ),
          run: (ctx) =>
            runWsCase(ctx, {
              driver,
              act(ws) {
                for (let i = 0; i < count; i++)
                  ws.sendFrame({
                    opcode: rng.bool(0.8) ? Opcode.ping : Opcode.pong,
                    payload: rng.bytes(rng.int(0, 125)),
                  });
                const { data, binary } = driver.validMessage(ctx.tag);
                ws.sendFrame({ opcode: binary ? Opcode.binary : Opcode.text, payload: data });
              },
              expect: { kind: 'keeps-working', cleanly: true },
            }),
        };
      },
    },
  ];
}
