/**
 * Abuse around the frames rather than in them: broken upgrade requests,
 * connections reset mid-frame, and half-open sockets that upgrade (or start
 * to) and then say nothing. Half-open sockets stay open until the surface is
 * done, so the server carries them while every later case runs.
 */

import { RawWebSocket } from '../../server/helpers/RawWebSocket.ts';
import { Opcode } from '../../server/helpers/RawWebSocketFrames.ts';
import type { WsDriver } from '../drivers/WsDriver.ts';
import type { CaseKind } from '../FuzzCase.ts';
import { runWsCase } from '../runWsCase.ts';

const clientError = (status: number) => status >= 400 && status < 500;

/** Upgrade requests `ws` (or the router in front of it) must refuse with a 4xx. */
const BAD_UPGRADES: ReadonlyArray<{ name: string; headers: Record<string, string | null> }> = [
  { name: 'Sec-WebSocket-Version 12', headers: { 'Sec-WebSocket-Version': '12' } },
  { name: 'Sec-WebSocket-Version "banana"', headers: { 'Sec-WebSocket-Version': 'banana' } },
  { name: 'no Sec-WebSocket-Version', headers: { 'Sec-WebSocket-Version': null } },
  { name: 'no Sec-WebSocket-Key', headers: { 'Sec-WebSocket-Key': null } },
  { name: 'Sec-WebSocket-Key of 5 bytes', headers: { 'Sec-WebSocket-Key': 'AAAAAAA=' } },
  {
    name: 'Sec-WebSocket-Key not base64',
    headers: { 'Sec-WebSocket-Key': '!!!!!!!!!!!!!!!!!!!!!!==' },
  },
  { name: 'Upgrade: h2c', headers: { Upgrade: 'h2c' } },
  { name: 'foreign Origin', headers: { Origin: 'https://evil.example' } },
  { name: 'Origin "null"', headers: { Origin: 'null' } },
  { name: 'malformed Sec-WebSocket-Protocol', headers: { 'Sec-WebSocket-Protocol': 'a,,b, ,"c"' } },
];

export function connectionAbuseKinds(drivers: readonly WsDriver[]): CaseKind[] {
  const title = (driver: WsDriver, text: string) =>
    drivers.length > 1 ? `${driver.name}: ${text}` : text;
  return [
    {
      name: 'bad-upgrade-request',
      make(rng) {
        const driver = rng.pick(drivers);
        const bad = rng.pick(BAD_UPGRADES);
        return {
          title: title(driver, `upgrade with ${bad.name}`),
          run: (ctx) =>
            runWsCase(ctx, {
              driver,
              headers: bad.headers,
              act: () => undefined,
              expect: { kind: 'refused', status: clientError, describe: 'a 4xx refusal' },
            }),
        };
      },
    },
    {
      name: 'reset-mid-frame',
      make(rng) {
        const driver = rng.pick(drivers);
        const declared = rng.int(200, 100_000);
        const sent = rng.int(2, 150);
        return {
          title: title(driver, `TCP reset after ${sent} of ${declared} declared bytes`),
          run: (ctx) =>
            runWsCase(ctx, {
              driver,
              act: async (ws) => {
                ws.sendFrame({
                  opcode: rng.pick([Opcode.text, Opcode.binary]),
                  payload: rng.bytes(sent),
                  declaredLength: BigInt(declared),
                });
                await new Promise((r) => setTimeout(r, 20)); // let the server read the partial frame first
                ws.reset();
                await new Promise((r) => setTimeout(r, 30)); // and see the reset while this case is still the one running
              },
              expect: { kind: 'survives' },
            }),
        };
      },
    },
    {
      name: 'half-open-after-upgrade',
      make(rng) {
        const driver = rng.pick(drivers);
        return {
          title: title(
            driver,
            'upgrades, then never sends a byte (held open until the surface is done)',
          ),
          run: (ctx) =>
            runWsCase(ctx, {
              driver,
              keepOpen: true,
              act: (ws) => ctx.holdOpen(ws),
              expect: { kind: 'survives' },
            }),
        };
      },
    },
    {
      name: 'half-open-partial-request',
      make(rng) {
        const driver = rng.pick(drivers);
        const cut = rng.int(1, 60);
        return {
          title: title(
            driver,
            `sends the first ${cut} bytes of the upgrade request, then nothing (held open)`,
          ),
          async run(ctx) {
            const socket = await RawWebSocket.openTcp(ctx.server.url);
            socket.on('error', () => undefined); // the server may drop it; that is its right
            const request = `GET ${driver.path(ctx)} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;
            socket.write(request.slice(0, cut));
            ctx.holdOpen(socket);
            return { outcome: 'held half-open', problems: [] };
          },
        };
      },
    },
  ];
}
