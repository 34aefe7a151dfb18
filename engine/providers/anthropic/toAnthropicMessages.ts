import type {
  Tool as AnthropicTool,
  ContentBlockParam,
  MessageParam,
  TextBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage } from '../../core/frames.ts';
import type { Tool } from '../../tools/Tool.ts';

const EPHEMERAL = { type: 'ephemeral' } as const;

/** A conversation as the Messages API takes it: the system prompt apart, then the turns. */
export interface AnthropicRequestMessages {
  system: TextBlockParam[];
  messages: MessageParam[];
}

/**
 * The conversation in Messages API form. Tool results travel as `tool_result`
 * blocks in a user turn; consecutive turns of one role are merged into one
 * (the API wants user and assistant to alternate, and all results of a
 * parallel batch in the one user turn after the calls). A call whose result
 * never came (the user interrupted the tool run) is left out with any result
 * that lost its call: the API rejects a request with either half missing.
 * With `cache`, the last system block is a prompt-cache breakpoint.
 */
export function toAnthropicMessages(
  messages: readonly ChatMessage[],
  cache: boolean,
): AnthropicRequestMessages {
  const resultIds = new Set(messages.flatMap((m) => (m.role === 'tool' ? [m.toolCallId] : [])));
  const callIds = new Set(
    messages.flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []).map((c) => c.id) : [])),
  );
  const system: TextBlockParam[] = [];
  const turns: MessageParam[] = [];
  const add = (role: 'user' | 'assistant', blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) (last.content as ContentBlockParam[]).push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const m of messages) {
    switch (m.role) {
      case 'system':
        if (m.content) system.push({ type: 'text', text: m.content });
        break;
      case 'user':
        add('user', textBlocks(m.content));
        break;
      case 'assistant':
        add('assistant', [
          ...textBlocks(m.content),
          ...(m.toolCalls ?? [])
            .filter((c) => resultIds.has(c.id))
            .map((c) => ({
              type: 'tool_use' as const,
              id: c.id,
              name: c.name,
              input: parseInput(c.arguments),
            })),
        ]);
        break;
      case 'tool':
        if (callIds.has(m.toolCallId)) {
          add('user', [{ type: 'tool_result', tool_use_id: m.toolCallId, content: m.content }]);
        }
        break;
    }
  }
  for (const turn of turns) if (turn.role === 'user') resultsFirst(turn);
  if (cache && system.length > 0) system[system.length - 1].cache_control = EPHEMERAL;
  return { system, messages: turns };
}

/** Graph tools as client tools; `parameters` is already JSON Schema. With `cache`, the last one is a cache breakpoint. */
export function toAnthropicTools(tools: readonly Tool[], cache: boolean): AnthropicTool[] {
  return tools.map((t, i) => ({
    name: t.name,
    description: t.description,
    input_schema: t.parameters as AnthropicTool.InputSchema,
    ...(cache && i === tools.length - 1 ? { cache_control: EPHEMERAL } : {}),
  }));
}

// The API rejects empty text blocks.
function textBlocks(text: string): TextBlockParam[] {
  return text ? [{ type: 'text', text }] : [];
}

// Models stream tool input as JSON; a call whose JSON broke still needs an object to pair with its result.
function parseInput(json: string): unknown {
  try {
    const input: unknown = JSON.parse(json || '{}');
    return typeof input === 'object' && input !== null ? input : {};
  } catch {
    return {};
  }
}

// Results must open the user turn that answers the calls; a merged user text goes after them.
function resultsFirst(turn: MessageParam): void {
  const blocks = turn.content as ContentBlockParam[];
  const isResult = (b: ContentBlockParam) => b.type === 'tool_result';
  turn.content = [...blocks.filter(isResult), ...blocks.filter((b) => !isResult(b))];
}
