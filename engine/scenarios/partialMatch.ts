/**
 * Whether `actual` (a tool call's arguments) holds every key of `expected`
 * with an equal value. Strings compare without case or surrounding space
 * ("Tokyo" = "tokyo"): a scenario states meaning, and a model's casing of a
 * place is not what is being tested. Nested objects match partially too.
 */
export function matchesPartially(expected: Record<string, unknown>, actual: unknown): boolean {
  if (!isRecord(actual)) return false;
  return Object.entries(expected).every(([key, value]) => sameValue(value, actual[key]));
}

function sameValue(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'string' && typeof actual === 'string')
    return expected.trim().toLowerCase() === actual.trim().toLowerCase();
  if (Array.isArray(expected))
    return (
      Array.isArray(actual) &&
      expected.length === actual.length &&
      expected.every((item, i) => sameValue(item, actual[i]))
    );
  if (isRecord(expected)) return matchesPartially(expected, actual);
  return Object.is(expected, actual);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
