import type { LiveMessage } from '#server/wire';

/**
 * A live-channel message from the socket's text, or undefined when the text is not one.
 * Only the envelope is checked: the server is this page's origin and its messages are
 * declared by the same wire types, so the rest of the shape is trusted.
 */
export function parseLiveMessage(text: string): LiveMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type } = value as { type?: unknown };
  return typeof type === 'string' ? (value as LiveMessage) : undefined;
}
