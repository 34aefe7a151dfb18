/** Shorthand for kinds that send well-formed frames with a malformed message inside, on one driver. */
import type { RawWebSocket } from '../../server/helpers/RawWebSocket.ts';
import type { WsDriver } from '../drivers/WsDriver.ts';
import type { CaseContext, CaseKind } from '../FuzzCase.ts';
import type { Rng } from '../Rng.ts';
import { runWsCase, type WsExpectation } from '../runWsCase.ts';

export interface MessageCase {
  title: string;
  /** Sends the messages; builds big payloads only now. */
  send(ws: RawWebSocket, ctx: CaseContext): void | Promise<void>;
  expect: WsExpectation;
  /** Path override (e.g. another query string). */
  path?: string;
}

export function messageKind(
  name: string,
  driver: WsDriver,
  build: (rng: Rng) => MessageCase,
): CaseKind {
  return {
    name,
    make(rng) {
      const c = build(rng);
      return {
        title: c.title,
        run: (ctx) => runWsCase(ctx, { driver, path: c.path, act: c.send, expect: c.expect }),
      };
    },
  };
}
