/**
 * The shared graph store (Redis) cannot be reached, so a write cannot be made
 * (reads fall back to the graphs last seen). Answered as 503 with a retry
 * hint: the client's request was fine, the cluster's store is not.
 */
export class StoreUnavailableError extends Error {
  readonly retryAfterS = 5;

  constructor(what: string, cause: string) {
    super(`cannot ${what}: the cluster's graph store (Redis) is unavailable (${cause})`);
    this.name = 'StoreUnavailableError';
  }
}
