/** Helpers for driving processors that do real network I/O against local fakes on a virtual clock. */
import { pino } from 'pino';
import type { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { Frame } from '../../engine/core/frames.ts';
import type { Logger } from '../../engine/core/Logger.ts';
import type { LlmProcessor } from '../../engine/services/llm/LlmProcessor.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import type { Tool } from '../../engine/tools/Tool.ts';

export const TEST_KEY = 'sk-test-SECRET-0123456789abcdef';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (real time) until `condition` holds, letting the virtual clock run `stepMs` per poll so retries and timeouts fire. */
export async function waitFor(
  h: ProcessorHarness | undefined,
  condition: () => boolean,
  { timeoutMs = 5000, stepMs = 0 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await sleep(3);
    if (h) await h.advance(stepMs);
  }
}

/** Waits until the processor is idle, advancing virtual time by `stepMs` per poll (for backoff and timeouts). */
export async function drain(h: ProcessorHarness, stepMs = 50, timeoutMs = 8000): Promise<void> {
  let idle = false;
  void h.processor.idle().then(() => (idle = true));
  await waitFor(h, () => idle, { timeoutMs, stepMs });
  await h.settle();
}

/** A pino logger at debug level whose lines land in `lines`. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  return { logger, lines };
}

/** The `llm.usage` metrics an LLM node reported, in order. */
export const usageMetrics = (h: ProcessorHarness) =>
  h
    .downstream('metrics')
    .flatMap((f) => (f.type === 'metrics' ? f.metrics : []))
    .filter((m) => m.name === 'llm.usage');

export const textOf = (frames: Frame[]) =>
  frames.flatMap((f) => (f.type === 'llm.text' ? [f.text] : [])).join('');

/** Every frame as JSON text (audio as a length), to search for leaked secrets. */
export function framesAsText(frames: Frame[]): string {
  return JSON.stringify(frames, (_k, v: unknown) =>
    v instanceof Int16Array ? `<${v.length} samples>` : v,
  );
}

/** A tool taking `{ city }`, answering with `answer(args)`: what the LLM nodes' tool tests call. */
export const cityTool = (
  name: string,
  answer: (args: Record<string, unknown>) => unknown,
): Tool => ({
  name,
  description: `the ${name} tool`,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  timeoutMs: 2000,
  execute: async (args) => answer(args as Record<string, unknown>),
});

/**
 * An LLM node started in a harness, with the conversation it was built on; `ask` adds a user
 * turn and sends the context, as the user-turn node would.
 */
export async function startLlm(
  llm: LlmProcessor,
  conversation: ConversationContext,
  options: { tools?: Tool[]; logger?: Logger } = {},
) {
  llm.setTools(options.tools ?? []);
  const h = new ProcessorHarness(llm, { logger: options.logger });
  await h.start();
  const ask = async (words: string) => {
    conversation.add({ role: 'user', content: words });
    await h.send(h.frame('llm.context', { messages: [...conversation.messages] }));
  };
  return { h, conversation, ask };
}
