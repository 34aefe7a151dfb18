/**
 * What a fuzz case is. A surface's generator lists *kinds* of abuse; case
 * number i of a run uses kind i mod (number of kinds), with parameters drawn
 * from its own Rng stream (seed, surface, i) — so a small run still tries
 * every kind, and any single case can be replayed from its seed and index.
 */
import type { FuzzServerProcess } from './FuzzServerProcess.ts';
import type { Rng } from './Rng.ts';

export interface CaseContext {
  server: FuzzServerProcess;
  /** The healthy session's id, for surfaces that watch a session (/ws/live?session=ID). */
  healthySessionId: string;
  /** Unique per case: probes carry it so a stale reply is never taken for a fresh one. */
  tag: string;
  /** Keeps a socket open until the surface is done (half-open cases), then destroys it. */
  holdOpen(socket: { destroy(): void }): void;
}

export interface CaseResult {
  /** How the server treated the input, in a few words: "closed 1002 'Invalid WebSocket frame: …'", "HTTP 413", … */
  outcome: string;
  /** Expectations the server did not meet; empty when the case passed. */
  problems: string[];
}

export interface CaseSpec {
  /** One line for the test name: the abuse and its drawn parameters. */
  title: string;
  /** Runs the case; builds its (possibly large) payload only now, not when tests are collected. */
  run(ctx: CaseContext): Promise<CaseResult>;
}

export interface CaseKind {
  name: string;
  make(rng: Rng): CaseSpec;
}

/** Shortens anything for a test title or failure message. */
export function preview(value: string, max = 120): string {
  const flat = value.replace(/[\r\n\t]/g, ' ');
  return flat.length <= max ? flat : `${flat.slice(0, max)}… (${value.length} chars)`;
}
