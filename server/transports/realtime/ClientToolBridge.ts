import type { Tool, ToolExecution } from '#engine';
import type { RealtimeFunctionTool } from './realtimeSessionConfig.ts';

interface Waiting {
  callId: string;
  resolve: (output: string) => void;
  reject: (error: unknown) => void;
  /** Set when the client sent `function_call_output`; the engine resumes on `response.create`. */
  output?: string;
}

/** How long the LLM waits for a client to run a function before it hears a timeout. */
const CLIENT_TOOL_TIMEOUT_MS = 60_000;

/**
 * Function tools declared by a Realtime client (`session.update` `tools`),
 * as engine `Tool`s the graph's LLM can call. `execute()` does not run
 * anything here: it waits for the client's `function_call_output`, and
 * resumes the model only on the client's next `response.create`, as the
 * Realtime protocol has it.
 *
 * Tool.execute() is not told the call id, so calls are matched by order:
 * the LLM announces `llm.tool.call` and then executes those calls in the same
 * tick, in the same order; `announce()` queues the ids per tool name and
 * `execute()` takes the next one.
 */
export class ClientToolBridge {
  private readonly announced = new Map<string, string[]>();
  private readonly waiting = new Map<string, Waiting>();
  private declared: RealtimeFunctionTool[] = [];
  private engineTools: Tool[] = [];

  /** Replaces the client's tool set; returns them as engine tools. */
  declare(tools: RealtimeFunctionTool[]): Tool[] {
    this.declared = tools;
    this.engineTools = tools.map((t) => this.toTool(t));
    return this.engineTools;
  }

  /** The declared tools as engine tools, to give them again to an LLM a hot reload re-wired. */
  get tools(): Tool[] {
    return this.engineTools;
  }

  isClientTool(name: string): boolean {
    return this.declared.some((t) => t.name === name);
  }

  /** The LLM asked for this call (seen on `llm.tool.call`, before it executes). */
  announce(name: string, callId: string): void {
    const queue = this.announced.get(name) ?? [];
    queue.push(callId);
    this.announced.set(name, queue);
  }

  /** The client's `function_call_output`; false when no call with that id is waiting. */
  deliver(callId: string, output: string): boolean {
    const waiting = this.waiting.get(callId);
    if (!waiting) return false;
    waiting.output = output;
    return true;
  }

  /** On `response.create`: resumes every call that has its output. Returns how many. */
  release(): number {
    let released = 0;
    for (const [callId, waiting] of this.waiting) {
      if (waiting.output === undefined) continue;
      this.waiting.delete(callId);
      waiting.resolve(waiting.output);
      released++;
    }
    return released;
  }

  get pendingCount(): number {
    return this.waiting.size;
  }

  /** Call ids still waiting for the client's `function_call_output`. */
  get unanswered(): string[] {
    return [...this.waiting.values()].filter((w) => w.output === undefined).map((w) => w.callId);
  }

  /** Connection closing: nothing will answer. */
  abandon(): void {
    for (const waiting of this.waiting.values())
      waiting.reject(new Error('the client disconnected'));
    this.waiting.clear();
    this.announced.clear();
  }

  private toTool(def: RealtimeFunctionTool): Tool {
    return {
      name: def.name,
      description: def.description,
      parameters: def.parameters,
      timeoutMs: CLIENT_TOOL_TIMEOUT_MS,
      execute: (_args: unknown, execution: ToolExecution) => {
        const callId = this.announced.get(def.name)?.shift();
        if (!callId)
          return Promise.reject(
            new Error(`client tool '${def.name}' was called without being announced`),
          );
        return new Promise<string>((resolve, reject) => {
          this.waiting.set(callId, { callId, resolve, reject });
          // Barge-in or timeout: the call is over for the LLM; forget it.
          execution.signal.addEventListener(
            'abort',
            () => {
              this.waiting.delete(callId);
              reject(execution.signal.reason);
            },
            { once: true },
          );
        });
      },
    };
  }
}
