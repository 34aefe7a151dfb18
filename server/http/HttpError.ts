import type { ErrorBody } from '../api/restTypes.ts';

/** An error with an HTTP status, thrown from route handlers; answered as `{ error, ...body }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Omit<ErrorBody, 'error'> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
