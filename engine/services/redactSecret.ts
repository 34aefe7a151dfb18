/**
 * Removes a secret from a message before it is logged or pushed as an error
 * frame. Servers are not trusted to keep keys out of their error texts (some
 * echo the `Authorization` header back on a 401).
 */
export function redactSecret(text: string, secret: string): string {
  if (secret.length < 4) return text;
  return text.split(secret).join('[redacted]');
}

/** An error safe to report: same name (so aborts stay aborts), secret-free message. */
export function redactError(error: unknown, secret: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  const safe = new Error(redactSecret(message, secret));
  if (error instanceof Error) safe.name = error.name;
  return safe;
}
