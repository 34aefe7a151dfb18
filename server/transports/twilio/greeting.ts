/**
 * The longest greeting said when a call connects: about a minute of speech.
 * It arrives from the webhook's `?greeting=` or the stream's `greeting`
 * custom parameter — text a caller of the URL (or, without auth, anyone who
 * opens a stream) chooses — and the graph speaks all of it, so it is capped
 * rather than trusted.
 */
export const MAX_GREETING_CHARS = 1000;

/** The greeting as it will be said: trimmed, and cut at the last word boundary within the limit. */
export function capGreeting(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length <= MAX_GREETING_CHARS) return trimmed;
  const cut = trimmed.slice(0, MAX_GREETING_CHARS);
  const lastSpace = cut.lastIndexOf(' ');
  // One unbroken 1000-character word is no sentence anyone meant: cut it anyway.
  return (lastSpace > MAX_GREETING_CHARS / 2 ? cut.slice(0, lastSpace) : cut).trimEnd();
}
