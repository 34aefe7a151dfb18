import type { FunctionResponse, Tool as GeminiTool } from '@google/genai';
import type { ToolCallResult } from '../../tools/runToolCalls.ts';
import type { Tool } from '../../tools/Tool.ts';

/**
 * The graph's tools as one Gemini tool of function declarations. The schema
 * goes as `parametersJsonSchema`, plain JSON Schema, rather than `parameters`
 * (Gemini's OpenAPI subset), so a tool's schema is sent as the tool wrote it.
 */
export function toGeminiTools(tools: readonly Tool[]): GeminiTool[] {
  if (tools.length === 0) return [];
  return [
    {
      functionDeclarations: tools.map((t) => ({
        name: t.name,
        description: t.description,
        parametersJsonSchema: t.parameters,
      })),
    },
  ];
}

/**
 * Tool results as `functionResponses`. A response must be a JSON object: a
 * tool's object result goes as it is, anything else (a number, text, an
 * array) under `output`; failures are already `{"error": …}`.
 */
export function toFunctionResponses(results: readonly ToolCallResult[]): FunctionResponse[] {
  return results.map((r) => ({ id: r.callId, name: r.name, response: asObject(r.content) }));
}

function asObject(content: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return { output: content };
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { output: value };
}
