/**
 * Junk sent to the editor's live channel, /ws/live (the session list) and
 * /ws/live?session=ID (the healthy session's stats). The channel is one-way:
 * input is ignored, the stream must go on. An unknown session id gets an
 * `error` and close 4404.
 */

import { liveListDriver, liveSessionDriver } from '../drivers/liveDrivers.ts';
import type { CaseKind } from '../FuzzCase.ts';
import { preview } from '../FuzzCase.ts';
import type { Rng } from '../Rng.ts';
import { runWsCase, type WsCaseOptions } from '../runWsCase.ts';
import { percentEncode } from './byteShapes.ts';
import {
  brokenJson,
  deepJson,
  hurtfulDepth,
  type Nesting,
  oddString,
  randomJsonValue,
} from './jsonShapes.ts';

const DRIVERS = [liveListDriver, liveSessionDriver];

function liveKind(
  name: string,
  build: (rng: Rng) => { title: string } & Omit<WsCaseOptions, 'driver'>,
): CaseKind {
  return {
    name,
    make(rng) {
      const driver = rng.pick(DRIVERS);
      const { title, ...options } = build(rng);
      return {
        title: `${driver.name}: ${title}`,
        run: (ctx) => runWsCase(ctx, { driver, ...options }),
      };
    },
  };
}

export function liveMessageKinds(): CaseKind[] {
  return [
    liveKind('junk-text', (rng) => {
      const texts = Array.from({ length: rng.int(1, 10) }, () =>
        rng.bool() ? brokenJson(rng) : JSON.stringify(randomJsonValue(rng)),
      );
      return {
        title: `${texts.length} text messages, first ${preview(texts[0], 50)}`,
        act: (ws) => texts.forEach((t) => ws.sendText(t)),
        expect: { kind: 'keeps-working' },
      };
    }),
    liveKind('junk-binary', (rng) => {
      const sizes = Array.from({ length: rng.int(1, 10) }, () => rng.int(0, 5000));
      return {
        title: `${sizes.length} binary messages of ${sizes.slice(0, 4).join(', ')}… bytes`,
        act: (ws) => sizes.forEach((n) => ws.sendBinary(rng.bytes(n))),
        expect: { kind: 'keeps-working' },
      };
    }),
    liveKind('deep-json', (rng) => {
      const depth = hurtfulDepth(rng);
      const nesting = rng.pick<Nesting>(['arrays', 'objects', 'mixed']);
      return {
        title: `JSON ${depth} ${nesting} deep`,
        act: (ws) => ws.sendText(deepJson(depth, nesting, rng)),
        expect: { kind: 'keeps-working' },
      };
    }),
    liveKind('message-over-limit', (rng) => {
      const size = rng.int(1024 * 1024 + 1, 3 * 1024 * 1024);
      return {
        title: `one text message of ${size} bytes`,
        act: (ws) => ws.sendText('z'.repeat(size)),
        expect: { kind: 'keeps-working' },
      };
    }),
    liveKind('message-flood', (rng) => {
      const count = rng.int(300, 3000);
      return {
        title: `${count} messages in one burst (the rate limit may close it: 4429)`,
        act(ws) {
          for (let i = 0; i < count; i++) ws.sendText(`{"n":${i}}`);
        },
        expect: { kind: 'works-or-closes', codes: [4429] },
      };
    }),
    {
      name: 'unknown-session',
      make(rng) {
        // Long, but percent-encoded still under Node's 16 kB header limit (past it, a 431 would be the answer).
        const id = rng.pick([
          'nope',
          '00000000-0000-0000-0000-000000000000',
          oddString(rng).slice(0, 1000),
          'x'.repeat(rng.int(100, 3000)),
          '../sessions',
          '%00',
        ]);
        return {
          title: `/ws/live?session=${preview(JSON.stringify(id), 50)}: error, then close 4404`,
          run: (ctx) =>
            runWsCase(ctx, {
              driver: liveSessionDriver,
              path: `/ws/live?session=${percentEncode(id)}`,
              act: () => undefined,
              expect: { kind: 'closes', codes: [4404] },
            }),
        };
      },
    },
  ];
}
