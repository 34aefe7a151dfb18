/**
 * Where a new call goes. Every entry point that starts calls on some worker (the
 * Pipecat connect endpoint, the Twilio voice webhook) asks this; sockets that arrive
 * directly (`/ws/pipecat`, `/v1/realtime`, offers) are taken by whichever worker they
 * reach.
 */
import type { WorkerInfo } from './WorkerInfo.ts';

export type DispatchResult =
  | { ok: true; worker: WorkerInfo /** Redis was down: the call stays here. */; fallback: boolean }
  | { ok: false; retryAfterS: number; reason: string };

export interface CallDispatch {
  readonly selfId: string;
  choose(): Promise<DispatchResult>;
}

/** The embedded default (no Redis): every call is this process's, while it has room. */
export function localDispatch(self: () => WorkerInfo): CallDispatch {
  return {
    get selfId() {
      return self().id;
    },
    choose: async () => chooseSelf(self()),
  };
}

export function chooseSelf(self: WorkerInfo): DispatchResult {
  if (self.draining) return { ok: false, retryAfterS: 5, reason: 'this server is draining' };
  if (self.activeSessions >= self.capacity) return atCapacity(1);
  return { ok: true, worker: self, fallback: true };
}

export function atCapacity(workers: number): DispatchResult {
  return {
    ok: false,
    retryAfterS: 5,
    reason:
      workers === 0
        ? 'no worker is taking calls'
        : `every worker is at capacity (${workers} worker${workers === 1 ? '' : 's'})`,
  };
}
