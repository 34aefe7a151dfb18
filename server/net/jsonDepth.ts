/**
 * Whether a parsed JSON value nests deeper than `maxDepth` arrays/objects.
 * Iterative, so the check itself cannot overflow the stack on the hostile
 * input it exists for (JSON.parse accepts nesting that JSON.stringify and
 * every recursive walker afterwards will die on).
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const stack: Array<[value: unknown, depth: number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}
