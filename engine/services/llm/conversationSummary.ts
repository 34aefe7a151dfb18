import type { ChatMessage } from '../../core/frames.ts';

/**
 * The conversation's summary written by the graph's own LLM, for a context
 * budget: the trim itself is synchronous and local (ContextBudget.ts), so no
 * turn waits for it; this request runs beside the conversation and its answer
 * replaces the local note when it arrives.
 */

/** The note's first words once the model wrote it (the local stand-in has its own). */
export const MODEL_SUMMARY_HEADER = 'Earlier conversation (summarised by the model): ';

/** A summary that takes longer than this is abandoned; the local note stays. */
export const SUMMARY_TIMEOUT_MS = 30_000;

const INSTRUCTIONS =
  'You keep the memory of a spoken conversation between a user and a voice assistant. ' +
  'Summarise the earlier part below, together with the previous summary if there is one, ' +
  'as plain prose for the assistant to rely on later: who the user is, what they asked for, ' +
  'facts and numbers given (tool results included), decisions made and anything still open. ' +
  'No greetings or commentary, no lists or markdown.';

/** The request: the instructions, then the turns being dropped rendered as a transcript. */
export function summaryRequest(
  dropped: readonly ChatMessage[],
  previous: string | undefined,
  maxChars: number,
): ChatMessage[] {
  const words = Math.max(30, Math.floor(maxChars / 6));
  const lines = dropped.flatMap(transcriptLine);
  const body = [
    previous ? `Previous summary: ${previous}` : '',
    'Conversation to summarise:',
    ...lines,
  ].filter(Boolean);
  return [
    { role: 'system', content: `${INSTRUCTIONS} At most ${words} words.` },
    { role: 'user', content: body.join('\n') },
  ];
}

/** The note that replaces the local one: the model's text, bounded, under its header. */
export function modelSummaryNote(text: string, maxChars: number): string | undefined {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return undefined;
  const bounded = flat.length > maxChars ? `${flat.slice(0, maxChars - 1)}…` : flat;
  return MODEL_SUMMARY_HEADER + bounded;
}

function transcriptLine(message: ChatMessage): string[] {
  switch (message.role) {
    case 'user':
      return [`User: ${message.content}`];
    case 'assistant': {
      const calls = (message.toolCalls ?? []).map(
        (c) => `Assistant called ${c.name}(${c.arguments})`,
      );
      return [...(message.content ? [`Assistant: ${message.content}`] : []), ...calls];
    }
    case 'tool':
      return [`Tool result: ${message.content}`];
    default:
      return [];
  }
}
