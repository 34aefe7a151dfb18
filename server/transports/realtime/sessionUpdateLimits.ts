import { nestsDeeperThan } from '../../net/jsonDepth.ts';

/**
 * What one `session.update` may carry. The session keeps these for its
 * whole life and sends them back in every `session.updated`, and the tools
 * go to the LLM with every request: unbounded, one client's update could
 * make each of those arbitrarily expensive (a 200,000-deep `parameters`
 * overflowed JSON.stringify and broke every later update). An update over a
 * limit is refused whole with an `invalid_value` error naming the field;
 * the session keeps its previous settings and goes on.
 */
export const SESSION_UPDATE_LIMITS = {
  /** The LLM nodes' `systemPrompt` takes at most this many characters. */
  maxInstructionsChars: 20_000,
  /** Function tools in one session: the OpenAI APIs' own limit per request. */
  maxTools: 128,
  /** Characters of one tool's `description`. */
  maxToolDescriptionChars: 4_000,
  /** One tool's `parameters` JSON Schema, serialised: real ones are a few KB. */
  maxToolSchemaChars: 32 * 1024,
  /** Nesting of one tool's `parameters` (each nested object property adds 2 levels: `properties`, the property). */
  maxToolSchemaDepth: 32,
  /** All the tools together, serialised: bounds what every `session.updated` and LLM request carries. */
  maxToolsChars: 256 * 1024,
} as const;

export interface SessionUpdateProblem {
  message: string;
  /** The field at fault, as the client wrote it: `session.tools[3].parameters`. */
  param: string;
}

type Obj = Record<string, unknown>;

/** The first limit `update` (the event's `session` object) passes, or undefined. Depth is checked before anything serialises. */
export function sessionUpdateProblem(update: Obj): SessionUpdateProblem | undefined {
  const limits = SESSION_UPDATE_LIMITS;
  if (
    typeof update.instructions === 'string' &&
    update.instructions.length > limits.maxInstructionsChars
  ) {
    return {
      param: 'session.instructions',
      message: `instructions are ${update.instructions.length} characters; the limit is ${limits.maxInstructionsChars}`,
    };
  }
  if (!Array.isArray(update.tools)) return undefined;
  if (update.tools.length > limits.maxTools) {
    return {
      param: 'session.tools',
      message: `${update.tools.length} tools; the limit is ${limits.maxTools}`,
    };
  }
  let total = 0;
  for (const [i, tool] of update.tools.entries()) {
    const t = typeof tool === 'object' && tool !== null ? (tool as Obj) : {};
    if (
      typeof t.description === 'string' &&
      t.description.length > limits.maxToolDescriptionChars
    ) {
      return {
        param: `session.tools[${i}].description`,
        message: `tool description is ${t.description.length} characters; the limit is ${limits.maxToolDescriptionChars}`,
      };
    }
    if (nestsDeeperThan(t.parameters, limits.maxToolSchemaDepth)) {
      return {
        param: `session.tools[${i}].parameters`,
        message: `tool parameters nest deeper than ${limits.maxToolSchemaDepth} levels`,
      };
    }
    const schemaChars = JSON.stringify(t.parameters ?? null).length;
    if (schemaChars > limits.maxToolSchemaChars) {
      return {
        param: `session.tools[${i}].parameters`,
        message: `tool parameters are ${schemaChars} characters of JSON; the limit is ${limits.maxToolSchemaChars}`,
      };
    }
    total += schemaChars + (typeof t.description === 'string' ? t.description.length : 0);
  }
  if (total > limits.maxToolsChars) {
    return {
      param: 'session.tools',
      message: `the tools are ${total} characters of JSON in all; the limit is ${limits.maxToolsChars}`,
    };
  }
  return undefined;
}
