import type { Content, Part } from '@google/genai';
import type { ChatMessage } from '../../core/frames.ts';
import { toFunctionResponses } from './toGeminiTools.ts';

/** A conversation as `generateContent` takes it: the system prompt apart, then the turns. */
export interface GeminiRequestContents {
  /** The system messages joined, or undefined when there are none. */
  systemInstruction: string | undefined;
  contents: Content[];
}

/**
 * The conversation in Gemini form: roles `user` and `model`, the system
 * prompt as `systemInstruction`. Tool calls are `functionCall` parts of the
 * model turn; their results are `functionResponse` parts, paired by name, in
 * the `user` turn after them (the role the SDK's own automatic function
 * calling uses). Gemini gives no call ids, so none are sent: the graph's ids
 * (`call_<n>`) only pair calls with results here. Consecutive turns of one
 * role are merged; a call whose result never came (the user interrupted the
 * tool run) is left out with any result that lost its call. `signatures`
 * gives back a call's `thoughtSignature`, which thinking models want with
 * their own calls.
 */
export function toGeminiContents(
  messages: readonly ChatMessage[],
  signatures: ReadonlyMap<string, string> = new Map(),
): GeminiRequestContents {
  const resultIds = new Set(messages.flatMap((m) => (m.role === 'tool' ? [m.toolCallId] : [])));
  const callNames = new Map(
    messages.flatMap((m) =>
      m.role === 'assistant' ? (m.toolCalls ?? []).map((c) => [c.id, c.name] as const) : [],
    ),
  );
  const system: string[] = [];
  const contents: Content[] = [];
  const add = (role: 'user' | 'model', parts: Part[]) => {
    if (parts.length === 0) return;
    const last = contents.at(-1);
    if (last?.role === role) last.parts?.push(...parts);
    else contents.push({ role, parts });
  };
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        if (m.content) system.push(m.content);
        break;
      case 'user':
        add('user', textParts(m.content));
        break;
      case 'assistant':
        add('model', [
          ...textParts(m.content),
          ...(m.toolCalls ?? [])
            .filter((c) => resultIds.has(c.id))
            .map((c): Part => {
              const signature = signatures.get(c.id);
              return {
                functionCall: { name: c.name, args: parseArgs(c.arguments) },
                ...(signature ? { thoughtSignature: signature } : {}),
              };
            }),
        ]);
        break;
      case 'tool': {
        const name = callNames.get(m.toolCallId);
        if (name === undefined) break;
        const [{ response }] = toFunctionResponses([
          { callId: m.toolCallId, name, content: m.content, isError: false },
        ]);
        add('user', [{ functionResponse: { name, response } }]);
        break;
      }
    }
  }
  for (const turn of contents) if (turn.role === 'user') responsesFirst(turn);
  return {
    systemInstruction: system.length > 0 ? system.join('\n\n') : undefined,
    contents,
  };
}

// The API rejects empty text parts.
function textParts(text: string): Part[] {
  return text ? [{ text }] : [];
}

// A call's arguments must be an object; a call whose JSON broke still needs one to pair with its result.
function parseArgs(json: string): Record<string, unknown> {
  try {
    const args: unknown = JSON.parse(json || '{}');
    return typeof args === 'object' && args !== null && !Array.isArray(args)
      ? (args as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

// Responses must open the user turn that answers the calls; a merged user text goes after them.
function responsesFirst(turn: Content): void {
  const parts = turn.parts ?? [];
  const isResponse = (p: Part) => p.functionResponse !== undefined;
  turn.parts = [...parts.filter(isResponse), ...parts.filter((p) => !isResponse(p))];
}
