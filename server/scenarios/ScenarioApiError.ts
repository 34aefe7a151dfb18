/**
 * A refusal from the scenario routes: its status, a message naming what was
 * wrong and where, and (for a scenario that does not validate) every problem
 * with its JSON path. Answered as `{ error, problems?, job? }` by the
 * scenario router itself, so the server's shared error body stays as it is.
 */
export class ScenarioApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { problems?: string[]; job?: string } = {},
  ) {
    super(message);
    this.name = 'ScenarioApiError';
  }
}
