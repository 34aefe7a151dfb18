/**
 * The wire contract of `/api/scenarios/…` (the editor's Tests panel), for the
 * server's routes and for the editor to import with `import type`. Types only
 * (plain JSON shapes; the replay comparison is the engine's own type), so
 * importing it adds nothing to a bundle.
 */

import type {
  Comparison,
  ConversationToolCall,
  ConversationTurn,
  LatencyComparison,
  TurnComparison,
} from '#engine/browser';

/** One scenario file of a suite, as listed. */
export interface ScenarioSummary {
  name: string;
  /** The file name inside the suite directory. */
  file: string;
  description?: string;
  turns: number;
  /** A recording is stored beside it (a saved Talk session): runs compare against it. */
  hasRecording: boolean;
}

/** A directory of scenarios under the server's scenarios root. */
export interface SuiteSummary {
  name: string;
  scenarios: ScenarioSummary[];
  /** Files that do not validate, each with every problem (file and JSON path named). */
  problems: string[];
}

export interface SuitesAnswer {
  suites: SuiteSummary[];
}

/** `GET /api/scenarios/suites/:suite/:scenario`: the file as written, to edit. */
export interface ScenarioSource {
  suite: string;
  name: string;
  file: string;
  /** The scenario file's JSON text. */
  text: string;
}

/** `POST /api/scenarios/runs` body. */
export interface RunRequest {
  suite: string;
  /** Names of scenarios to run; default every scenario of the suite. */
  scenarios?: string[];
  /** The editor's draft graph document, run as it is (not the saved revision). */
  graph: unknown;
  /** The graph's store name: names reports, and its deployed revision is the baseline. */
  graphName?: string;
  /**
   * What each run is compared with: `auto` (default) = the recording saved with
   * the scenario, else a run against the deployed revision of `graphName`;
   * `none` = no comparison (half the time).
   */
  baseline?: 'auto' | 'none';
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

// The replay comparison travels as the engine makes it (engine/recording/compareReplays.ts).
export type LatencyPair = LatencyComparison;
export type ToolCallWire = ConversationToolCall;
export type ConversationTurnWire = ConversationTurn;
export type TurnComparisonWire = TurnComparison;
export type ComparisonWire = Comparison;

export interface ExpectationCheckWire {
  expectation: string;
  passed: boolean;
  detail: string;
}

export interface TurnOutcomeWire {
  turn: number;
  text: string;
  checks: ExpectationCheckWire[];
  notes: string[];
}

/** One scenario of a job, once it has run. */
export interface ScenarioRunResult {
  name: string;
  status: 'passed' | 'failed' | 'error';
  /** Why it could not run (status `error`). */
  error?: string;
  /** One line per failed expectation, naming the scenario, the turn and the expectation. */
  failures: string[];
  turns: TurnOutcomeWire[];
  /** Errors the graph reported while it ran. */
  graphErrors: string[];
  /** Where the comparison's "old" came from. */
  baseline: 'recording' | 'deployed' | null;
  comparison?: ComparisonWire;
  /** Why there is no comparison, when there is none. */
  baselineNote?: string;
  mode: 'fast' | 'realtime';
  durationMs: number;
}

/** A run of scenarios against a draft graph, as `GET /api/scenarios/runs/:id` reports it. */
export interface RunJob {
  id: string;
  state: JobState;
  suite: string;
  graph: string;
  /** Scenario names, in the order they run. */
  scenarios: string[];
  results: ScenarioRunResult[];
  /** The scenario running now. */
  current?: string;
  /** Jobs ahead of this one while it is queued. */
  queuePosition?: number;
  /** Why the job as a whole failed. */
  error?: string;
  createdAt: string;
  finishedAt?: string;
}

/** `POST /api/scenarios/talk-recordings` body: start recording this live Talk session. */
export interface TalkRecordingRequest {
  sessionId: string;
}

export interface TalkRecordingStatus {
  sessionId: string;
  /** `recording`: the session is live; `ready`: it ended and can be saved; `failed`: it could not be kept. */
  state: 'recording' | 'ready' | 'failed';
  /** User turns recorded so far (known once ready). */
  turns?: number;
  error?: string;
  /** When a ready recording is forgotten (ISO time). */
  expiresAt?: string;
}

/** `POST /api/scenarios/suites/:suite/from-talk` body. */
export interface SaveFromTalkRequest {
  sessionId: string;
  name: string;
}
