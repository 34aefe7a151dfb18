/**
 * One surface's fuzz run: the server child process, the healthy session
 * talking on it, and the cases, one at a time so whatever goes wrong belongs
 * to the case that was running. After each case: is the process alive, does
 * /api/health answer promptly, did an error escape to the process, did the
 * server log an error or a crash trace? If a case killed the server, it
 * fails with the trace, and the run restarts the server so the remaining
 * cases still get their say; the final check then fails too, naming it.
 */

import { CaseReport } from './CaseReport.ts';
import { longest, MAX_BLOCKED_MS, stallsIn } from './eventLoopWatch.ts';
import type { CaseContext, CaseResult, CaseSpec } from './FuzzCase.ts';
import {
  FuzzServerProcess,
  type HealthAnswer,
  type LogLine,
  type ServerExit,
} from './FuzzServerProcess.ts';
import { type Surface, totalCases } from './fuzzConfig.ts';
import { HealthySession, type HealthyTurn } from './HealthySession.ts';

const HEALTH_TIMEOUT_MS = 3000;
/** Closed connections end their sessions within moments; this is generous. */
const LEAK_SETTLE_MS = 3000;

interface Crash {
  label: string;
  exit: ServerExit;
  trace: string;
}

export class FuzzRun {
  readonly report: CaseReport;
  private server: FuzzServerProcess | undefined;
  private healthy: HealthySession | undefined;
  /** Healthy sessions of servers that crashed: their turns still count. */
  private readonly retiredTurns: HealthyTurn[] = [];
  private readonly crashes: Crash[] = [];
  private readonly held: Array<{ destroy(): void }> = [];

  constructor(
    readonly surface: Surface,
    readonly seed: number,
    readonly count: number,
    private readonly testFile: string,
  ) {
    this.report = new CaseReport(surface, seed);
  }

  async start(): Promise<void> {
    this.server = await FuzzServerProcess.start();
    this.healthy = await HealthySession.start(this.server.wsUrl);
  }

  async stop(): Promise<void> {
    for (const socket of this.held.splice(0)) socket.destroy();
    await this.healthy?.close();
    await this.server?.stop();
    this.report.printSummary();
  }

  async runCase(index: number, kind: string, spec: CaseSpec): Promise<void> {
    if (!this.server?.alive) await this.restartAfterCrash();
    const server = this.server!;
    const label = `${this.surface} #${index} ${kind}: ${spec.title}`;
    const mark = server.logMark;
    const before = await server.health(HEALTH_TIMEOUT_MS);
    const ctx: CaseContext = {
      server,
      healthySessionId: this.healthy!.sessionId,
      tag: `${this.surface}-${index}`,
      holdOpen: (socket) => this.held.push(socket),
    };
    const startedAt = performance.now();

    let result: CaseResult;
    try {
      result = await spec.run(ctx);
    } catch (error) {
      result = {
        outcome: 'the test case threw',
        problems: [
          `the test case itself threw: ${error instanceof Error ? error.stack : String(error)}`,
        ],
      };
    }

    const after = await server.health(HEALTH_TIMEOUT_MS);
    if ('error' in after) await server.waitExit(500); // a dying process may still be on its way out
    await server.syncLog();
    const checked = checkServer(server, mark, before, after);
    const problems = [...checked.problems, ...result.problems];
    if (!server.alive)
      this.crashes.push({
        label,
        exit: server.exit!,
        trace: formatLines(checked.trouble.length > 0 ? checked.trouble : server.linesSince(mark)),
      });
    this.report.record({
      index,
      kind,
      title: spec.title,
      outcome: result.outcome,
      problems,
      stalledMs: checked.stalledMs,
      starvedMs: checked.starvedMs,
      startedAt,
      endedAt: performance.now(),
    });
    if (problems.length > 0)
      throw new Error(this.failureMessage(label, index, result.outcome, problems, checked.trouble));
  }

  /**
   * The run's verdict: no case killed the server; it is alive and healthy
   * with escapedErrors 0; the healthy session is still connected and got
   * every reply; and once the held half-open sockets are let go, no fuzzed
   * connection left a session or a connection behind.
   */
  async assertSurvived(): Promise<void> {
    const healthy = this.healthy!;
    await healthy.stop();
    const problems: string[] = this.crashes.map(
      (c) =>
        `case ${c.label} killed the server (exit code ${c.exit.code}, signal ${c.exit.signal}):\n${indent(c.trace)}`,
    );
    problems.push(...(await this.serverVerdict()), ...this.healthyTurnsVerdict());
    const turns = this.retiredTurns.length + healthy.turns.length;
    if (problems.length > 0) {
      const heading = `${this.surface}: the server or the healthy session did not come through the fuzz (seed ${this.seed}, ${this.count} cases, ${turns} healthy turns)`;
      throw new Error(`${heading}\n- ${problems.join('\n- ')}\n${this.replayHint()}`);
    }
  }

  private async serverVerdict(): Promise<string[]> {
    const server = this.server!;
    const healthy = this.healthy!;
    if (!server.alive)
      return [
        `the server process is dead (exit code ${server.exit?.code}, signal ${server.exit?.signal})`,
      ];
    const problems: string[] = [];
    const health = await server.health(HEALTH_TIMEOUT_MS);
    if ('error' in health) return [`GET /api/health did not answer: ${health.error}`];
    const escaped = escapedErrors(health);
    if (health.status !== 200) problems.push(`GET /api/health answered ${health.status}`);
    if (escaped === undefined)
      problems.push(
        `GET /api/health has no numeric escapedErrors (body: ${JSON.stringify(health.body)})`,
      );
    else if (escaped !== 0)
      problems.push(
        `GET /api/health reports escapedErrors: ${escaped} — errors reached the process's last line of defence`,
      );
    if (healthy.socket.closed)
      return [
        ...problems,
        `the healthy session's connection was closed (${healthy.socket.closed.code} '${healthy.socket.closed.reason}'); only fuzzed connections may be`,
      ];

    for (const socket of this.held.splice(0)) socket.destroy();
    const left = await this.waitForOnlyHealthy(healthy.sessionId);
    if (!left.sessions.some((s) => s.id === healthy.sessionId))
      problems.push(`the healthy session ${healthy.sessionId} is no longer in GET /api/sessions`);
    const leaked = left.sessions.filter((s) => s.id !== healthy.sessionId);
    if (leaked.length > 0)
      problems.push(
        `${leaked.length} session(s) outlived their fuzzed connection: ${leaked
          .slice(0, 10)
          .map((s) => JSON.stringify(s))
          .join(', ')}`,
      );
    if (left.connections !== undefined && left.connections !== 1)
      problems.push(
        `GET /api/health counts ${left.connections} open connections once every fuzzed one is closed; only the healthy session's should remain`,
      );
    return problems;
  }

  private healthyTurnsVerdict(): string[] {
    const turns = [...this.retiredTurns, ...this.healthy!.turns];
    if (turns.length === 0) return ['the healthy session completed no turn at all'];
    return turns
      .filter((t) => t.problems.length > 0)
      .map((turn) => {
        const during = this.report
          .casesBetween(turn.sentAt, turn.endedAt ?? performance.now())
          .map((c) => `#${c.index} ${c.kind}`);
        return `healthy turn ${turn.n} ('${turn.text}') missed its reply: ${turn.problems.join('; ')}\n    cases running meanwhile: ${during.join(', ') || 'none'}`;
      });
  }

  /** Polls until only the healthy session (and its one connection) remain, or a few seconds passed: closing takes a moment. */
  private async waitForOnlyHealthy(
    healthyId: string,
  ): Promise<{ sessions: Array<Record<string, unknown>>; connections: number | undefined }> {
    const url = this.server!.url;
    for (let waited = 0; ; waited += 100) {
      const sessions = (await (
        await fetch(`${url}/api/sessions`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) })
      ).json()) as Array<Record<string, unknown>>;
      const health = (await (
        await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) })
      ).json()) as { connections?: unknown };
      const connections = typeof health.connections === 'number' ? health.connections : undefined;
      const settled =
        sessions.length === 1 &&
        sessions[0].id === healthyId &&
        (connections === undefined || connections === 1);
      if (settled || waited >= LEAK_SETTLE_MS) return { sessions, connections };
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async restartAfterCrash(): Promise<void> {
    for (const socket of this.held.splice(0)) socket.destroy();
    if (this.healthy) {
      await this.healthy.close().catch(() => undefined);
      this.retiredTurns.push(...this.healthy.turns);
    }
    await this.server?.stop();
    await this.start();
  }

  private failureMessage(
    label: string,
    index: number,
    outcome: string,
    problems: string[],
    trouble: LogLine[],
  ): string {
    const lines = [
      label,
      `  outcome: ${outcome}`,
      '  problems:',
      ...problems.map((p) => `   - ${p}`),
    ];
    if (trouble.length > 0)
      lines.push(
        '  server stderr (errors and crash trace) during this case:',
        indent(formatLines(trouble), '    '),
      );
    lines.push(`  ${this.replayHint(index)}`);
    return lines.join('\n');
  }

  private replayHint(index?: number): string {
    const filter = index === undefined ? '' : ` -t '#${index} '`;
    return `replay: FUZZ_SEED=${this.seed} FUZZ_CASES=${totalCases()} npx vitest run ${this.testFile}${filter}`;
  }
}

/** What the server process did while a case ran: died, froze, let errors escape, logged errors. */
function checkServer(
  server: FuzzServerProcess,
  mark: number,
  before: HealthAnswer,
  after: HealthAnswer,
) {
  const trouble = server.troubleSince(mark);
  const stalls = stallsIn(server.linesSince(mark));
  const frozen = longest(stalls, true);
  const result = {
    problems: [] as string[],
    trouble,
    stalledMs: frozen?.blockedMs ?? 0,
    starvedMs: longest(stalls, false)?.blockedMs ?? 0,
  };
  if (!server.alive) {
    result.problems.push(
      `THE SERVER PROCESS EXITED during this case (exit code ${server.exit?.code}, signal ${server.exit?.signal})`,
    );
    return result;
  }
  if ('error' in after)
    result.problems.push(
      `GET /api/health got no answer within ${HEALTH_TIMEOUT_MS} ms after the case (${after.error}): the event loop is blocked`,
    );
  else if (after.status !== 200)
    result.problems.push(`GET /api/health answered ${after.status} after the case`);
  if (frozen && frozen.blockedMs > MAX_BLOCKED_MS) {
    result.problems.push(
      `the server's event loop stood still for ${frozen.blockedMs} ms during this case, busy with its own work (${frozen.cpuMs} ms of CPU; limit ${MAX_BLOCKED_MS} ms)`,
    );
  }
  const was = 'error' in before ? undefined : escapedErrors(before);
  const now = 'error' in after ? undefined : escapedErrors(after);
  // Without the field nothing can be attributed per case; the final check reports its absence once.
  if (was !== undefined && now !== undefined && now > was)
    result.problems.push(
      `${now - was} error(s) escaped to the process's last line of defence during this case`,
    );
  if (trouble.length > 0)
    result.problems.push(`the server logged ${trouble.length} error line(s) during this case`);
  return result;
}

function escapedErrors(health: { body: unknown }): number | undefined {
  const value = (health.body as { escapedErrors?: unknown } | undefined)?.escapedErrors;
  return typeof value === 'number' ? value : undefined;
}

/** pino lines shortened to what matters (msg, err with its stack); other lines as they are. */
function formatLines(lines: LogLine[]): string {
  return lines
    .slice(-30)
    .map((l) => {
      if (l.level === undefined) return l.text;
      const entry = JSON.parse(l.text) as {
        msg?: unknown;
        err?: { stack?: unknown; message?: unknown } | unknown;
      };
      const err = entry.err as { stack?: unknown; message?: unknown } | string | undefined;
      const detail =
        typeof err === 'string' ? err : typeof err?.stack === 'string' ? err.stack : err?.message;
      return `[level ${l.level}] ${String(entry.msg)}${detail ? `\n${String(detail)}` : ''}`;
    })
    .join('\n');
}

function indent(text: string, prefix = '    '): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}
