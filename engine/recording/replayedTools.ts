import type { NodeRegistry as NodeRegistryType, NodeType } from '../graph/NodeRegistry.ts';
import { NodeRegistry } from '../graph/NodeRegistry.ts';
import type { Tool } from '../tools/Tool.ts';
import type { RecordedEvent } from './RecordingFormat.ts';

/** Starts the error a replayed tool gives for a call the recording does not have; the comparison looks for it. */
export const NOT_IN_RECORDING = 'not in the recording:';

interface RecordedCall {
  name: string;
  /** Canonical JSON of the parsed arguments. */
  args: string;
  result: string;
  isError: boolean;
  used: boolean;
}

/** Where a replayed or scripted run's tools get their answers instead of running. */
export interface ToolAnswers {
  /** The tool's content for this call, or a throw that becomes its error result. */
  answer(name: string, args: unknown): string;
}

/**
 * The recorded tool answers, handed out to a replay: a call with the same name
 * and arguments as a recorded one (in order, each recorded answer once; then
 * the last one again) gets its recorded result, so a replay does not depend on
 * today's weather or on a live API. Any other call gets an error result that
 * names it — the model hears that, and the comparison flags it.
 */
export class RecordedToolAnswers implements ToolAnswers {
  private readonly calls: RecordedCall[] = [];

  constructor(events: readonly RecordedEvent[]) {
    const results = new Map<string, Extract<RecordedEvent, { kind: 'tool.result' }>>();
    for (const e of events) if (e.kind === 'tool.result') results.set(e.callId, e);
    for (const e of events) {
      if (e.kind !== 'tool.call') continue;
      const result = results.get(e.callId);
      if (!result) continue; // interrupted before it answered: nothing to replay
      this.calls.push({
        name: e.name,
        args: canonicalArguments(e.arguments),
        result: result.result,
        isError: result.isError,
        used: false,
      });
    }
  }

  answer(name: string, args: unknown): string {
    const key = canonicalJson(args);
    const same = this.calls.filter((c) => c.name === name && c.args === key);
    const call = same.find((c) => !c.used) ?? same.at(-1);
    if (!call) throw new Error(`${NOT_IN_RECORDING} ${name}(${key})`);
    call.used = true;
    if (call.isError) throw new Error(recordedErrorMessage(call.result));
    return call.result;
  }
}

/** A copy of `tool` that answers from `answers` instead of running. */
export function answeringFrom(answers: ToolAnswers, tool: Tool): Tool {
  return { ...tool, execute: async (args) => answers.answer(tool.name, args) };
}

/**
 * `registry` with every tool node type answering from `answers`; processors
 * untouched. Credentials and endpoint checks stay the original types' own.
 */
export function withRecordedTools(
  registry: NodeRegistryType,
  answers: ToolAnswers,
): NodeRegistryType {
  const replaying = new NodeRegistry();
  for (const { type } of registry.list()) {
    const def = registry.get(type) as NodeType;
    if (def.kind !== 'tool') {
      replaying.register(def);
      continue;
    }
    replaying.register({
      ...def,
      create: (config, ctx) => answeringFrom(answers, def.create(config, ctx)),
    });
  }
  return replaying;
}

/** The arguments as canonical JSON (sorted keys), so key order or spacing is no difference. */
export function canonicalArguments(text: string): string {
  try {
    return canonicalJson(text.trim() === '' ? {} : JSON.parse(text));
  } catch {
    return text;
  }
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** runToolCalls stored a failure as `{"error": message}`: throw the same message again. */
function recordedErrorMessage(content: string): string {
  try {
    const parsed = JSON.parse(content) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not the usual shape: replay it as it was
  }
  return content;
}
