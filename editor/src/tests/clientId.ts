/**
 * This tab's id for the scenario routes: the server allows one scenario job
 * per client, and a tab is what a person runs tests from. Kept in
 * sessionStorage so a reload finds its job again.
 */
const KEY = 'parley.testsClient';
let fallback: string | undefined;

export function clientId(): string {
  try {
    const stored = globalThis.sessionStorage?.getItem(KEY);
    if (stored) return stored;
    const made = fresh();
    globalThis.sessionStorage?.setItem(KEY, made);
    return made;
  } catch {
    fallback ??= fresh();
    return fallback;
  }
}

function fresh(): string {
  return `tab-${Math.random().toString(36).slice(2, 12)}${Date.now().toString(36)}`;
}
