import { RE2JS } from 're2js';

/**
 * Limits on the patterns a graph gives `llm.rules`. Patterns come from graph
 * documents — anyone who may save a graph writes code that runs on every
 * user turn — so they run on RE2 (linear time in the text, no catastrophic
 * backtracking) and their cost is capped. The built-in intents use under 70
 * RE2 instructions per pattern and ~600 in all, far inside these.
 */
export const INTENT_PATTERN_LIMITS = {
  /** Characters in one pattern: a readable pattern is a line, not a page. */
  maxPatternChars: 500,
  /** RE2 program size (instructions) of one pattern; `x{1000}` expands to 1000 of them. Matching time grows with it. */
  maxProgramSize: 1000,
  /** Intents of one node. */
  maxIntents: 100,
  /** Patterns of one node, all intents together: each user turn may try every one of them. */
  maxPatternsPerNode: 200,
  /**
   * RE2 instructions of one node, all patterns together. Matching costs about
   * instructions × characters: a node of deliberately awful patterns at this
   * limit takes ~100 ms on the longest turn (measured), ordinary ones well under 1 ms.
   */
  maxProgramSizePerNode: 4000,
  /** Longest user turn the patterns are tried on (~3 minutes of speech); a longer one, pasted text, gets the fallback reply. */
  maxMatchedChars: 2000,
} as const;

export type IntentPatternResult =
  | { ok: true; regex: RE2JS; programSize: number }
  | { ok: false; problem: string };

/** Compilations by source: validation runs on every config check (live updates, Realtime settings), compiling is not free. */
const cache = new Map<string, IntentPatternResult>();
const MAX_CACHED = 2000;

/**
 * Compiles a graph-supplied pattern for RE2, matching case-insensitively.
 * Syntax is RE2's, which shares JavaScript's for classes, groups, named
 * groups `(?<name>…)`, `\b`, quantifiers and alternation. What RE2 cannot do
 * in linear time — lookahead, lookbehind, backreferences — is refused with a
 * message that says so.
 */
export function compileIntentPattern(source: string): IntentPatternResult {
  const known = cache.get(source);
  if (known) return known;
  const result = compile(source);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(source, result);
  return result;
}

function compile(source: string): IntentPatternResult {
  const { maxPatternChars, maxProgramSize } = INTENT_PATTERN_LIMITS;
  if (source.length > maxPatternChars)
    return {
      ok: false,
      problem: `pattern is ${source.length} characters; the limit is ${maxPatternChars}`,
    };
  const unsupported = findUnsupportedSyntax(source);
  if (unsupported)
    return {
      ok: false,
      problem: `${unsupported}, which linear-time matching (RE2) does not support; rewrite the pattern without it`,
    };
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(source, RE2JS.CASE_INSENSITIVE);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problem: `not a valid RE2 pattern: ${detail.slice(0, 200)}${hint(source)}`,
    };
  }
  const programSize = regex.programSize();
  if (programSize > maxProgramSize) {
    return {
      ok: false,
      problem: `pattern compiles to ${programSize} RE2 instructions; the limit is ${maxProgramSize} (large repeat counts like {500} expand)`,
    };
  }
  return { ok: true, regex, programSize };
}

/**
 * Lookaround and backreferences, found by a scan that skips escapes and
 * character classes (a `(?=` inside `[…]` is three literal characters).
 * RE2 would refuse most of these with a parse error that does not say why.
 */
function findUnsupportedSyntax(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `it uses a backreference (\\${next})`;
      if (!inClass && next === 'k' && source[i + 2] === '<')
        return 'it uses a named backreference (\\k<…>)';
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++; // a leading ] is literal
      continue;
    }
    if (c === '(' && source[i + 1] === '?') {
      const rest = source.slice(i + 2, i + 4);
      if (rest.startsWith('=')) return 'it uses a lookahead (?=…)';
      if (rest.startsWith('!')) return 'it uses a negative lookahead (?!…)';
      if (rest === '<=') return 'it uses a lookbehind (?<=…)';
      if (rest === '<!') return 'it uses a negative lookbehind (?<!…)';
    }
  }
  return undefined;
}

/** JavaScript escapes RE2 spells differently. */
function hint(source: string): string {
  if (/\\u[0-9a-fA-F{]/.test(source)) return ' (write a code point as \\x{00e9}, not \\u00e9)';
  if (/\\c[A-Za-z]/.test(source)) return ' (write a control character as \\x01, not \\cA)';
  return '';
}

export interface IntentPatternIssue {
  /** Relative to the intents array: `[intent, 'patterns', pattern]`. */
  path: Array<string | number>;
  message: string;
}

/**
 * Everything wrong with a node's patterns: each pattern alone, then the
 * node's totals (checked only when every pattern compiles, so the counts mean something).
 */
export function intentPatternIssues(
  intents: ReadonlyArray<{ patterns: readonly string[] }>,
): IntentPatternIssue[] {
  const { maxPatternsPerNode, maxProgramSizePerNode } = INTENT_PATTERN_LIMITS;
  const issues: IntentPatternIssue[] = [];
  let patterns = 0;
  let programSize = 0;
  intents.forEach((intent, i) => {
    intent.patterns.forEach((source, j) => {
      patterns++;
      // Past the count limit compiling more would only be wasted work: one issue says it all.
      if (patterns > maxPatternsPerNode) return;
      const compiled = compileIntentPattern(source);
      if (compiled.ok) programSize += compiled.programSize;
      else issues.push({ path: [i, 'patterns', j], message: compiled.problem });
    });
  });
  if (patterns > maxPatternsPerNode)
    issues.push({
      path: [],
      message: `${patterns} patterns in all; the limit is ${maxPatternsPerNode} per node`,
    });
  else if (issues.length === 0 && programSize > maxProgramSizePerNode) {
    issues.push({
      path: [],
      message: `the patterns compile to ${programSize} RE2 instructions in all; the limit is ${maxProgramSizePerNode} per node`,
    });
  }
  return issues;
}
