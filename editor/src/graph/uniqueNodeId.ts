/** Short readable ids (`tts`, `tts2`) — they show up in logs, metrics and error messages. */
const PREFIXED = new Set(['vad', 'stt', 'llm', 'tts', 's2s']);

export function baseIdForType(type: string): string {
  const [head, ...rest] = type.split('.');
  const tail = rest.join('-');
  let base = PREFIXED.has(head) || !tail ? head : tail;
  if (type === 'transport.input') base = 'in';
  if (type === 'transport.output') base = 'out';
  base = base.replace(/[^A-Za-z0-9_.-]/g, '-');
  return /^[A-Za-z]/.test(base) ? base : `n${base}`;
}

export function uniqueNodeId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function uniqueEdgeId(
  source: string,
  target: string,
  taken: ReadonlySet<string>,
  suffix = '',
): string {
  const base = `${source}-${target}${suffix}`;
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!taken.has(candidate)) return candidate;
  }
}
