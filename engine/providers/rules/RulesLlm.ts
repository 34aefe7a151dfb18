import type { RE2JS } from 're2js';
import { z } from 'zod';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import type { ChatMessage } from '../../core/frames.ts';
import { type LlmDelta, LlmProcessor, llmSettings } from '../../services/llm/LlmProcessor.ts';
import type { Tool } from '../../tools/Tool.ts';
import { type PendingToolReply, planReply, replyToToolResult } from './builtInReplies.ts';
import {
  compileIntentPattern,
  INTENT_PATTERN_LIMITS,
  intentPatternIssues,
} from './IntentPattern.ts';
import { phrasebook, RESPONDER_STYLES, type ResponderStyle } from './phrasebook.ts';
import { dialogueStateFrom, type Understanding, understand } from './understand.ts';

/** A reply template is a spoken answer: a few sentences, not a document. */
const MAX_TEMPLATE_CHARS = 2000;
const template = z.string().max(MAX_TEMPLATE_CHARS);

const rulesIntent = z.object({
  name: z.string().min(1).max(64),
  // RE2 regular expressions (case-insensitive, linear-time) tried against the user's words;
  // named groups become template values.
  patterns: z.array(z.string().min(1)).min(1),
  // Reply template: `{group}` from the pattern, `{persona}`.
  reply: template.optional(),
  // Call a tool instead of replying at once; argument values are templates.
  tool: z
    .object({ name: z.string().min(1).max(64), arguments: z.record(z.string().max(64), template) })
    .optional(),
  // Reply after the tool answered: `{result.field}` reads the tool's JSON result.
  replyWithResult: template.optional(),
  // Reply when the tool failed.
  replyOnError: template.optional(),
});

export type RulesIntent = z.output<typeof rulesIntent>;

export const rulesLlmSettings = z.object({
  persona: z.string().min(1).max(64).default('Parley').describe('Name the bot uses for itself'),
  style: z
    .enum(RESPONDER_STYLES)
    .default('friendly')
    .describe(
      'How replies are worded. friendly: plain and warm; butler: a curt British butler ' +
        '(pair it with the Flite voice awb)',
    ),
  builtInIntents: z
    .boolean()
    .default(true)
    .describe(
      'Understand weather, time, date, jokes and small talk from many phrasings and misrecognitions, ' +
        'after your own intents',
    ),
  systemPrompt: llmSettings.shape.systemPrompt
    .default('You are Parley, a friendly voice assistant. Keep answers short.')
    .describe('Kept in the conversation for LLM nodes that replace this one'),
  intents: z
    .array(rulesIntent)
    .max(INTENT_PATTERN_LIMITS.maxIntents)
    // RE2 syntax, linear-time matching: a graph's pattern must not be able to stall the server
    // (see IntentPattern.ts).
    .superRefine((intents, ctx) => {
      for (const { path, message } of intentPatternIssues(intents)) {
        ctx.addIssue({ code: 'custom', path, message });
      }
    })
    .default([])
    .describe(
      'Your own intents, tried before the built-in ones. Patterns are RE2 regular expressions, ' +
        'matched case-insensitively: no lookahead, lookbehind or backreferences',
    ),
  fallback: template
    .optional()
    .describe(
      'Said when nothing matches; by default the style’s own, which says what the bot can do',
    ),
  fallbackReply: llmSettings.shape.fallbackReply
    .max(MAX_TEMPLATE_CHARS)
    .default('Sorry, something went wrong on my side.'),
  maxToolSteps: llmSettings.shape.maxToolSteps.default(3),
});

/**
 * The settings a `RulesLlm` runs with. Keys added after the first release
 * may be missing when code builds the settings itself (graphs always get
 * them from the schema's defaults): absent means the default.
 */
export type RulesLlmSettings = Omit<z.output<typeof rulesLlmSettings>, 'style' | 'builtInIntents'> &
  Partial<Pick<z.output<typeof rulesLlmSettings>, 'style' | 'builtInIntents'>>;

/** A tool call in flight: a graph intent's, with the values its templates need, or the built-in understanding's. */
type PendingCall =
  | { kind: 'pattern'; intent: RulesIntent; values: Record<string, string> }
  | { kind: 'builtIn'; reply: PendingToolReply };

/**
 * A deterministic, rule-based responder: no language model. It stands in for
 * an LLM when none is configured and emits exactly the frames an LLM node
 * emits — text, tool calls, tool results — so the rest of the graph cannot tell.
 * A turn is tried against the graph's own intents (regular expressions)
 * first, then the built-in understanding (understand.ts), which also reads
 * earlier turns for follow-ups. That dialogue state is rebuilt from the
 * conversation on every turn rather than kept here, so a hot-reloaded
 * responder carries on where the old one was.
 */
export class RulesLlm extends LlmProcessor<RulesLlmSettings> {
  protected override readonly settingsSchema = rulesLlmSettings;
  /** Not a language model: a context budget's trimmed turns keep their local note. */
  protected override readonly writesSummaries = false;
  private readonly compiled = new Map<RulesIntent, RE2JS[]>();
  /** Tool calls in flight, by call id. */
  private readonly pending = new Map<string, PendingCall>();
  private nextCallId = 1;
  private understood: Understanding | undefined;

  constructor(
    id: string,
    conversation: ConversationContext,
    settings: RulesLlmSettings,
    /** The wall clock, for the time of day when the graph has no clock tool. */
    private readonly now: () => Date = () => new Date(),
  ) {
    super(id, conversation, settings);
  }

  /** What the built-in understanding made of the last user turn; undefined when a graph intent answered it. */
  get lastUnderstanding(): Understanding | undefined {
    return this.understood;
  }

  protected override onSettings(update: Partial<RulesLlmSettings>): void {
    super.onSettings(update);
    this.compiled.clear();
  }

  protected override async *generate(
    messages: ChatMessage[],
    tools: readonly Tool[],
  ): AsyncIterable<LlmDelta> {
    const last = messages[messages.length - 1];
    if (last?.role === 'tool') {
      yield* words(this.replyToToolResults(messages));
      return;
    }
    const said = last?.role === 'user' ? last.content : '';
    this.understood = undefined;
    const match = this.match(said);
    if (match) {
      yield* this.answerPattern(match, tools);
      return;
    }
    if (this.settings.builtInIntents === false) {
      yield* words(this.fallbackText() ?? phrasebook(this.style()).fallback);
      return;
    }
    yield* this.answerBuiltIn(messages, tools);
  }

  private *answerPattern(
    { intent, values }: { intent: RulesIntent; values: Record<string, string> },
    tools: readonly Tool[],
  ): Generator<LlmDelta> {
    if (intent.tool && tools.some((t) => t.name === intent.tool!.name)) {
      const args = Object.fromEntries(
        Object.entries(intent.tool.arguments).map(([k, v]) => [k, this.render(v, values)]),
      );
      if (intent.reply) yield* words(this.render(intent.reply, values));
      yield this.toolCall(intent.tool.name, args, { kind: 'pattern', intent, values });
      return;
    }
    const reply =
      intent.reply ??
      (intent.tool ? intent.replyOnError : undefined) ??
      this.fallbackText() ??
      phrasebook(this.style()).fallback;
    yield* words(this.render(reply, values));
  }

  private *answerBuiltIn(messages: ChatMessage[], tools: readonly Tool[]): Generator<LlmDelta> {
    const userTurns = messages.flatMap((m) => (m.role === 'user' ? [m.content] : []));
    const state = dialogueStateFrom(userTurns.slice(0, -1));
    const heard = understand(userTurns.at(-1) ?? '', state);
    this.understood = heard;
    const plan = planReply(heard, state, {
      book: phrasebook(this.style()),
      persona: this.settings.persona,
      fallback: this.fallbackText(),
      hasTool: (name) => tools.some((t) => t.name === name),
      now: this.now,
    });
    if (plan.text) yield* words(plan.text);
    if (plan.call)
      yield this.toolCall(plan.call.name, plan.call.args, {
        kind: 'builtIn',
        reply: plan.call.pending,
      });
  }

  private toolCall(name: string, args: Record<string, string>, pending: PendingCall): LlmDelta {
    const id = `call_${this.id}_${this.nextCallId++}`;
    this.pending.set(id, pending);
    return { type: 'tool_calls', calls: [{ id, name, arguments: JSON.stringify(args) }] };
  }

  private style(): ResponderStyle {
    return this.settings.style ?? 'friendly';
  }

  /** The graph's own fallback text, rendered, if it sets one. */
  private fallbackText(): string | undefined {
    return this.settings.fallback === undefined
      ? undefined
      : this.render(this.settings.fallback, {});
  }

  private replyToToolResults(messages: ChatMessage[]): string {
    const replies: string[] = [];
    for (let i = messages.length - 1; i >= 0 && messages[i].role === 'tool'; i--) {
      const message = messages[i] as Extract<ChatMessage, { role: 'tool' }>;
      const pending = this.pending.get(message.toolCallId);
      if (!pending) continue;
      this.pending.delete(message.toolCallId);
      let result: unknown;
      try {
        result = JSON.parse(message.content);
      } catch {
        result = message.content;
      }
      replies.unshift(this.replyToResult(pending, result));
    }
    return replies.join(' ') || this.fallbackText() || phrasebook(this.style()).fallback;
  }

  private replyToResult(pending: PendingCall, result: unknown): string {
    if (pending.kind === 'builtIn')
      return replyToToolResult(pending.reply, result, phrasebook(this.style()));
    const failed = typeof result === 'object' && result !== null && 'error' in result;
    const template = failed ? pending.intent.replyOnError : pending.intent.replyWithResult;
    const values = { ...pending.values, ...flatten('result', result) };
    if (template) return this.render(template, values);
    return this.fallbackText() ?? phrasebook(this.style()).fallback;
  }

  private match(text: string): { intent: RulesIntent; values: Record<string, string> } | undefined {
    // Cutting the text would make `$` match where it was cut; a turn this long gets the fallback instead.
    if (text.length > INTENT_PATTERN_LIMITS.maxMatchedChars) return undefined;
    for (const intent of this.settings.intents) {
      for (const pattern of this.patternsOf(intent)) {
        // test() runs RE2's DFA, much faster than a match with groups; only a hit pays for exec().
        if (!pattern.test(text)) continue;
        const groups =
          (pattern.exec(text) as { groups?: Record<string, string | undefined> } | null)?.groups ??
          {};
        const values = Object.fromEntries(
          Object.entries(groups).map(([k, v]) => [k, titleCase((v ?? '').trim())]),
        );
        return { intent, values };
      }
    }
    return undefined;
  }

  /** The intent's patterns on RE2. Config validation refused any that do not compile; one that slips through (a settings frame from code) is skipped. */
  private patternsOf(intent: RulesIntent): RE2JS[] {
    let patterns = this.compiled.get(intent);
    if (!patterns) {
      patterns = intent.patterns.flatMap((source) => {
        const compiled = compileIntentPattern(source);
        return compiled.ok ? [compiled.regex] : [];
      });
      this.compiled.set(intent, patterns);
    }
    return patterns;
  }

  private render(template: string, values: Record<string, string>): string {
    const all: Record<string, string> = { persona: this.settings.persona, ...values };
    return template.replace(/\{([\w.]+)\}/g, (whole, key: string) => all[key] ?? whole);
  }
}

function* words(text: string): Generator<LlmDelta> {
  // Stream like a model does, a word at a time, so downstream sentence splitting is exercised for real.
  // The trailing space ends the last sentence now, not when the next reply (after a tool call) begins.
  const parts = `${text} `.match(/\S+\s*/g) ?? [];
  for (const part of parts) yield { type: 'text', text: part };
}

/**
 * A tool result as template values (`result.location`, `result.wind.speed`).
 * Results can come from a client (a Realtime `function_call_output`), so the
 * walk is bounded: templates read a few levels, not a hostile 100,000.
 */
const MAX_RESULT_DEPTH = 8;
const MAX_RESULT_VALUES = 1000;

function flatten(
  prefix: string,
  value: unknown,
  out: Record<string, string> = {},
  depth = 0,
): Record<string, string> {
  if (value !== null && typeof value === 'object') {
    if (depth >= MAX_RESULT_DEPTH) return out;
    for (const [k, v] of Object.entries(value)) {
      if (Object.keys(out).length >= MAX_RESULT_VALUES) break;
      flatten(`${prefix}.${k}`, v, out, depth + 1);
    }
  } else {
    out[prefix] = typeof value === 'number' ? String(Math.round(value * 10) / 10) : String(value);
  }
  return out;
}

function titleCase(text: string): string {
  return text.replace(/\b\w/g, (c) => c.toUpperCase());
}
