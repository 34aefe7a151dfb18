/**
 * Runs one WebSocket fuzz case: upgrade by hand, write the abuse, then wait
 * (bounded) for what the expectation asks — a close with the right code, an
 * error reply, or a connection that still answers its surface's probe — and
 * describe what the server did.
 */
import { RawWebSocket, UpgradeRefused } from '../server/helpers/RawWebSocket.ts';
import type { WsDriver } from './drivers/WsDriver.ts';
import type { CaseContext, CaseResult } from './FuzzCase.ts';

export type WsExpectation =
  /** A socket-level violation: the server closes with one of `codes` (1002 protocol error, 1007 invalid UTF-8, 1009 too big). */
  | { kind: 'closes'; codes: readonly number[]; orTcpClose?: boolean }
  /** The upgrade itself is refused with an HTTP status `status` accepts. */
  | { kind: 'refused'; status: (status: number) => boolean; describe: string }
  /** Invalid protocol message: a protocol error reply, and the connection still works afterwards. */
  | { kind: 'error-reply' }
  /**
   * Input the server may refuse or accept (fuzzed, possibly valid): error replies allowed, the connection must
   * still work. `cleanly`: the input was valid (a positive control), so no error reply either.
   */
  | { kind: 'keeps-working'; cleanly?: boolean }
  /** Like keeps-working, but closing with one of `codes` (or, with `orTcpClose`, dropping the TCP connection) is also a fine answer. */
  | { kind: 'works-or-closes'; codes: readonly number[]; orTcpClose?: boolean }
  /** Nothing to observe on this connection (it was reset, or left half-open): only the server's survival counts. */
  | { kind: 'survives' };

export interface WsCaseOptions {
  driver: WsDriver;
  /** Defaults to the driver's path. */
  path?: string;
  headers?: Record<string, string | null>;
  act(ws: RawWebSocket, ctx: CaseContext): void | Promise<void>;
  expect: WsExpectation;
  /** The case left the socket half-open on purpose (ctx.holdOpen): do not close it afterwards. */
  keepOpen?: boolean;
}

const CLOSE_TIMEOUT_MS = 2000;
const REPLY_TIMEOUT_MS = 2000;

export async function runWsCase(ctx: CaseContext, options: WsCaseOptions): Promise<CaseResult> {
  const { driver, expect } = options;
  let ws: RawWebSocket;
  try {
    ws = await RawWebSocket.connect(ctx.server.url + (options.path ?? driver.path(ctx)), {
      headers: options.headers,
    });
  } catch (error) {
    if (!(error instanceof UpgradeRefused))
      return {
        outcome: `could not connect: ${String(error)}`,
        problems: [`could not connect: ${String(error)}`],
      };
    const outcome = `upgrade refused: HTTP ${error.status}`;
    if (expect.kind === 'refused')
      return {
        outcome,
        problems: expect.status(error.status)
          ? []
          : [`expected ${expect.describe}, got HTTP ${error.status}`],
      };
    return {
      outcome,
      problems: [
        `the upgrade was refused (HTTP ${error.status}: ${error.response.split('\r\n')[0]})`,
      ],
    };
  }

  const problems: string[] = [];
  let probeFailure: string | undefined;
  try {
    if (expect.kind === 'refused')
      problems.push(`expected ${expect.describe}, but the server upgraded (101)`);
    await options.act(ws, ctx);
    switch (expect.kind) {
      case 'closes':
        await ws.waitClosed(CLOSE_TIMEOUT_MS);
        problems.push(...closeProblems(ws, expect.codes, expect.orTcpClose ?? false));
        break;
      case 'error-reply': {
        const reply = await ws.waitForMessage(
          (m) => driver.errorIn(m) !== undefined,
          REPLY_TIMEOUT_MS,
        );
        if (!reply)
          problems.push(
            `expected a protocol error reply; got ${ws.isClosed ? closeState(ws) : `none within ${REPLY_TIMEOUT_MS} ms`}`,
          );
        else {
          probeFailure = await driver.probe(ws, ctx);
          if (probeFailure)
            problems.push(
              `after the error reply the connection stopped working: ${probeFailure}; ${closeState(ws)}`,
            );
        }
        break;
      }
      case 'keeps-working': {
        probeFailure = await driver.probe(ws, ctx);
        if (probeFailure)
          problems.push(`the connection stopped working: ${probeFailure}; ${closeState(ws)}`);
        const error = ws.messages.map((m) => driver.errorIn(m)).find((e) => e !== undefined);
        if (expect.cleanly && error) problems.push(`valid input got an error reply: ${error}`);
        break;
      }
      case 'works-or-closes':
        probeFailure = ws.isClosed ? 'closed before the probe' : await driver.probe(ws, ctx);
        if (probeFailure) {
          await ws.waitClosed(200); // a close already on its way counts
          const closeIssues = closeProblems(ws, expect.codes, expect.orTcpClose ?? false);
          if (closeIssues.length > 0)
            problems.push(
              `neither kept working (${probeFailure}) nor closed properly: ${closeIssues.join('; ')}`,
            );
        }
        break;
      case 'survives':
      case 'refused':
        break;
    }
    problems.push(...ws.serverViolations.map((v) => `server sent a bad frame: ${v}`));
  } finally {
    if (!options.keepOpen) release(ws);
  }
  return { outcome: describeOutcome(ws, driver, expect, probeFailure), problems };
}

function closeProblems(ws: RawWebSocket, codes: readonly number[], orTcpClose: boolean): string[] {
  const want = codes.join(' or ');
  if (ws.closeFrame) {
    const code = ws.closeFrame.code;
    return code !== undefined && codes.includes(code)
      ? []
      : [`expected close ${want}, got ${closeState(ws)}`];
  }
  if (ws.tcpClosed) return orTcpClose ? [] : [`expected close ${want}, got ${closeState(ws)}`];
  return [`expected close ${want}, but the connection is still open after ${CLOSE_TIMEOUT_MS} ms`];
}

function closeState(ws: RawWebSocket): string {
  if (ws.closeFrame) return `closed ${ws.closeFrame.code ?? '(no code)'} '${ws.closeFrame.reason}'`;
  if (ws.tcpClosed)
    return `TCP ${ws.tcpClosed.how}${ws.tcpClosed.error ? ` (${ws.tcpClosed.error})` : ''} without a close frame`;
  return 'still open';
}

function describeOutcome(
  ws: RawWebSocket,
  driver: WsDriver,
  expect: WsExpectation,
  probeFailure: string | undefined,
): string {
  const errors = ws.messages
    .map((m) => driver.errorIn(m))
    .filter((e): e is string => e !== undefined);
  const parts: string[] = [];
  if (errors.length > 0)
    parts.push(
      `${errors.length} error repl${errors.length === 1 ? 'y' : 'ies'} (first: ${errors[0]})`,
    );
  const probed =
    expect.kind === 'error-reply' ||
    expect.kind === 'keeps-working' ||
    expect.kind === 'works-or-closes';
  if (probed) parts.push(probeFailure ? 'probe failed' : 'probe answered');
  parts.push(closeState(ws));
  return parts.join('; ');
}

/** Closes our side politely if it is still open; destroys the socket a little later either way. */
function release(ws: RawWebSocket): void {
  if (!ws.isClosed) ws.close();
  setTimeout(() => ws.destroy(), 1000).unref();
}
