import { z } from 'zod';
import type { ChatMessage } from '../../core/frames.ts';
import { MODEL_SUMMARY_HEADER } from '../../services/llm/conversationSummary.ts';

export const contextBudgetSettings = z.object({
  contextBudgetTokens: z
    .number()
    .int()
    .min(0)
    .max(2_000_000)
    .default(0)
    .describe(
      'Largest conversation (estimated tokens, ~4 characters each) sent to the LLM; past it ' +
        'older turns are truncated or summarised before the request. 0: no budget',
    ),
  keepLatestTurns: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(6)
    .describe('Budget: the newest turns always sent whole (with their tool calls and results)'),
  contextStrategy: z
    .enum(['truncate', 'summarize'])
    .default('summarize')
    .describe(
      'Budget: what replaces older turns. truncate: a marker saying turns were dropped. ' +
        "summarize: a summary written by the graph's LLM in the background (until it arrives, " +
        'and for a responder that is not a language model, a list of what the user said)',
    ),
});

export type ContextBudgetSettings = z.output<typeof contextBudgetSettings>;

/** The note's first words: what a reader of the conversation (or the model) sees was cut. */
export const SUMMARY_HEADER = 'Earlier conversation (summarised, locally: what the user said): ';
export const TRUNCATION_HEADER = 'Earlier conversation (truncated): ';

/**
 * The budget is checked when a turn is sent; the model's tool calls and
 * their results then join the conversation before its next request without
 * a check (the LLM node does not trim). This share of the budget is kept
 * free for them: a trim starts past the rest.
 */
const TOOL_RESERVE_SHARE = 0.1;
/**
 * Trimming goes down to this share of the budget, not just under the
 * trigger, so it happens every few turns rather than at each one: every trim
 * changes the head of the conversation, which defeats the prompt caches.
 */
const TARGET_SHARE = 0.75;
/** The summary may take at most this share of the budget; its oldest entries go first. */
const SUMMARY_SHARE = 0.2;
const MAX_QUOTE_CHARS = 80;

/**
 * Tokens a message costs, estimated: about four characters of English per
 * token (OpenAI's rule of thumb) plus a few for the message's framing. Not a
 * tokenizer — real counts differ by model and language, so leave a margin
 * under the model's context window.
 */
export function estimateTokens(message: ChatMessage): number {
  let chars = message.content.length;
  if (message.role === 'assistant')
    for (const call of message.toolCalls ?? []) chars += call.name.length + call.arguments.length;
  return Math.ceil(chars / 4) + 4;
}

export function estimateAll(messages: readonly ChatMessage[]): number {
  return messages.reduce((sum, m) => sum + estimateTokens(m), 0);
}

export interface TrimPlan {
  /** Every non-system message before this index goes. */
  cut: number;
  /** Whole turns dropped. */
  turns: number;
  /** The note that stands for everything dropped so far (this trim and earlier ones). */
  note: string;
  tokensBefore: number;
  tokensAfter: number;
}

/**
 * What to drop so `messages` fit the budget, or undefined when they already
 * do. A turn starts at a user message, so a tool call and its results are
 * always on the same side of the cut. System messages (the prompt, the
 * previous note) are not turns; `previousNote` is folded into the new note.
 */
export function planTrim(
  messages: readonly ChatMessage[],
  previousNote: ChatMessage | undefined,
  settings: ContextBudgetSettings,
): TrimPlan | undefined {
  const budget = settings.contextBudgetTokens;
  const tokensBefore = estimateAll(messages);
  if (budget <= 0 || tokensBefore <= budget * (1 - TOOL_RESERVE_SHARE)) return undefined;
  const starts = turnStarts(messages);
  const droppable = starts.length - settings.keepLatestTurns;
  if (droppable <= 0) return undefined;
  const target = Math.floor(budget * TARGET_SHARE);
  const base = previousNote ? tokensBefore - estimateTokens(previousNote) : tokensBefore;
  let dropped = 0;
  let droppedTokens = 0;
  let note = '';
  for (let turn = 0; turn < droppable; turn++) {
    const end = turn + 1 < starts.length ? starts[turn + 1] : messages.length;
    for (let i = starts[turn]; i < end; i++)
      if (messages[i].role !== 'system') droppedTokens += estimateTokens(messages[i]);
    dropped = turn + 1;
    note = noteFor(messages.slice(0, end), previousNote, settings);
    if (base - droppedTokens + estimateTokens({ role: 'system', content: note }) <= target) break;
  }
  const cut = dropped < starts.length ? starts[dropped] : messages.length;
  const tokensAfter = base - droppedTokens + estimateTokens({ role: 'system', content: note });
  return { cut, turns: dropped, note, tokensBefore, tokensAfter };
}

/** Index of each turn's first message; what precedes the first user message is a turn too. */
function turnStarts(messages: readonly ChatMessage[]): number[] {
  const starts: number[] = [];
  messages.forEach((m, i) => {
    if (m.role === 'system') return;
    if (m.role === 'user' || starts.length === 0) starts.push(i);
  });
  return starts;
}

/**
 * The note for dropping `dropped`. truncate says only that turns are gone;
 * summarize quotes what the user said in them, oldest first, after what the
 * previous note said — a local condensation, in place at once, which the
 * graph's LLM then replaces with its own summary (conversationSummary.ts).
 */
function noteFor(
  dropped: readonly ChatMessage[],
  previousNote: ChatMessage | undefined,
  settings: ContextBudgetSettings,
): string {
  if (settings.contextStrategy === 'truncate') {
    return `${TRUNCATION_HEADER}older turns were dropped to stay within the context budget.`;
  }
  const earlier = noteBody(previousNote);
  const quotes = dropped.flatMap((m) => (m.role === 'user' ? [quote(m.content)] : []));
  let body = [earlier, ...quotes].filter(Boolean).join(' · ');
  const maxChars = summaryMaxChars(settings);
  if (body.length > maxChars) body = `…${body.slice(body.length - maxChars + 1)}`;
  return SUMMARY_HEADER + body;
}

/** The longest a summary may be, local or written by the model. */
export function summaryMaxChars(settings: ContextBudgetSettings): number {
  return Math.max(200, Math.floor(settings.contextBudgetTokens * 4 * SUMMARY_SHARE));
}

/** What a previous summary said, without its header: local or written by the model. */
export function noteBody(note: ChatMessage | undefined): string {
  for (const header of [SUMMARY_HEADER, MODEL_SUMMARY_HEADER])
    if (note?.content.startsWith(header)) return note.content.slice(header.length);
  return '';
}

function quote(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `“${flat.length > MAX_QUOTE_CHARS ? `${flat.slice(0, MAX_QUOTE_CHARS - 1)}…` : flat}”`;
}
