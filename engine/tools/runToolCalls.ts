import type { Clock } from '../core/Clock.ts';
import type { ChatToolCall } from '../core/frames.ts';
import type { Tool } from './Tool.ts';

export interface ToolCallResult {
  callId: string;
  name: string;
  /** What the model reads: the tool's result, or `{"error": …}`. */
  content: string;
  isError: boolean;
}

/**
 * Runs the calls a model asked for, in parallel. Every failure — unknown tool,
 * arguments that are not JSON, a throw, a timeout — becomes an error result the
 * model can read and talk about, never an exception: the conversation goes on.
 */
export async function runToolCalls(
  calls: ChatToolCall[],
  tools: readonly Tool[],
  signal: AbortSignal,
  clock: Clock,
): Promise<ToolCallResult[]> {
  return Promise.all(calls.map((call) => runOne(call, tools, signal, clock)));
}

async function runOne(
  call: ChatToolCall,
  tools: readonly Tool[],
  signal: AbortSignal,
  clock: Clock,
): Promise<ToolCallResult> {
  const fail = (message: string): ToolCallResult => ({
    callId: call.id,
    name: call.name,
    content: JSON.stringify({ error: message }),
    isError: true,
  });
  const tool = tools.find((t) => t.name === call.name);
  if (!tool)
    return fail(
      `unknown tool '${call.name}'; available: ${tools.map((t) => t.name).join(', ') || 'none'}`,
    );
  let args: unknown;
  try {
    args = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch {
    return fail(`arguments for '${call.name}' are not valid JSON: ${call.arguments.slice(0, 200)}`);
  }
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  const timer = clock.setTimeout(() => {
    timedOut = true;
    controller.abort(new Error('timeout'));
  }, tool.timeoutMs);
  try {
    const result = await Promise.race([
      tool.execute(args, { signal: controller.signal }),
      new Promise<never>((_, reject) =>
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason), {
          once: true,
        }),
      ),
    ]);
    return {
      callId: call.id,
      name: call.name,
      content: typeof result === 'string' ? result : JSON.stringify(result ?? null),
      isError: false,
    };
  } catch (error) {
    if (signal.aborted) throw error; // interrupted: nobody is waiting for the answer
    if (timedOut) return fail(`'${call.name}' did not answer within ${tool.timeoutMs} ms`);
    return fail(error instanceof Error ? error.message : String(error));
  } finally {
    timer.cancel();
    signal.removeEventListener('abort', onAbort);
  }
}
