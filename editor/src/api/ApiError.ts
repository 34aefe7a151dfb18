/** A non-2xx answer, with the parsed JSON body so callers can read `currentRevision` or `errors`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
