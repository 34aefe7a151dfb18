/**
 * Floods `ws` defends against by itself: more than 60 pings whose pongs are
 * still unsent (it terminates the socket — a fine answer), more than 16,384
 * fragments in one message (close 1008). Legal frames, abusive amounts.
 */
import { encodeClientFrame, Opcode } from '../../server/helpers/RawWebSocketFrames.ts';
import type { WsDriver } from '../drivers/WsDriver.ts';
import type { CaseKind } from '../FuzzCase.ts';
import { runWsCase } from '../runWsCase.ts';

/** Ping and fragment floods, on the surfaces `drivers` speak. */
export function floodKinds(drivers: readonly WsDriver[]): CaseKind[] {
  const title = (driver: WsDriver, text: string) =>
    drivers.length > 1 ? `${driver.name}: ${text}` : text;
  return [
    {
      name: 'ping-flood',
      make(rng) {
        const driver = rng.pick(drivers);
        const count = rng.int(100, 3000);
        return {
          title: title(driver, `${count} pings in one write`),
          run: (ctx) =>
            runWsCase(ctx, {
              driver,
              act(ws) {
                ws.write(
                  Buffer.concat(
                    Array.from({ length: count }, () =>
                      encodeClientFrame({
                        opcode: Opcode.ping,
                        payload: rng.bytes(rng.int(0, 125)),
                      }),
                    ),
                  ),
                );
              },
              expect: { kind: 'works-or-closes', codes: [1008], orTcpClose: true },
            }),
        };
      },
    },
    {
      name: 'fragment-flood',
      make(rng) {
        const driver = rng.pick(drivers);
        const count = rng.int(16_385, 40_000);
        return {
          title: title(driver, `one message in ${count} fragments (ws allows 16,384)`),
          run: (ctx) =>
            runWsCase(ctx, {
              driver,
              act(ws) {
                const frames = Array.from({ length: count }, (_, i) =>
                  encodeClientFrame({
                    opcode: i === 0 ? Opcode.binary : Opcode.continuation,
                    fin: i === count - 1,
                    payload: Buffer.of(0x20),
                  }),
                );
                ws.write(Buffer.concat(frames));
              },
              expect: { kind: 'closes', codes: [1008] },
            }),
        };
      },
    },
  ];
}
