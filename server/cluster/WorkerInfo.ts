/**
 * What a worker says about itself in the cluster registry, and how the rest of the
 * server reads the registry. Written by `WorkerRegistry` (a heartbeat into Redis).
 */
export interface WorkerInfo {
  id: string;
  /** The base URL clients and other workers reach this worker at, e.g. `http://10.0.0.5:3001`. */
  url: string;
  /** Sessions this worker takes before dispatch passes it over. */
  capacity: number;
  activeSessions: number;
  eventLoopLagMs: number;
  /** Share of one core used since the previous heartbeat (0–1 per core). */
  cpu: number;
  /** Draining workers finish their calls but are never sent new ones. */
  draining: boolean;
  startedAt: string;
  heartbeatAt: string;
}

export interface WorkerDirectory {
  readonly selfId: string;
  /** Live workers (heartbeat not expired), this one included; rejects when Redis cannot be reached. */
  workers(): Promise<WorkerInfo[]>;
}
