/**
 * What a log line may carry of something a client sent. Clients choose
 * these values, before and after auth: logged whole, a 900 KB `instructions`
 * makes a 900 KB log line, and a few thousand distinct ones a flood. So
 * logs carry short excerpts and lengths, never whole client text.
 */

/** Characters of client text a log line quotes. */
export const LOG_EXCERPT_CHARS = 100;

/** `text` as a log value: whole when short, else its start and its length. */
export function excerpt(text: string, maxChars = LOG_EXCERPT_CHARS): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}… (${text.length} chars)`;
}

/**
 * A value's shape for a log line, not its content: numbers and booleans as
 * they are, strings and containers as their sizes. For settings a client
 * asked for, where the question is "what kind of value", not "what did it say".
 */
export function shapeForLog(value: unknown): string | number | boolean | null {
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return `string of ${value.length} chars`;
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (typeof value === 'object') return `object of ${Object.keys(value).length} keys`;
  return typeof value;
}
