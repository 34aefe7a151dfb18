/**
 * A function an LLM can call. Tool nodes in a graph produce these; every LLM
 * node runs them through the same tools layer.
 */
export interface ToolExecution {
  /** Aborted when the user interrupts or the call times out. */
  signal: AbortSignal;
}

export interface Tool {
  name: string;
  description: string;
  /** JSON Schema of the arguments object, as sent to the model. */
  parameters: Record<string, unknown>;
  /** Milliseconds before the call is abandoned and reported to the model as an error. */
  timeoutMs: number;
  /** Returns what the model will read; throw to report a tool error to the model. */
  execute(args: unknown, execution: ToolExecution): Promise<unknown>;
}
