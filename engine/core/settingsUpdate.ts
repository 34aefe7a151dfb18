import type { z } from 'zod';

/** The zod object that defines a processor's settings; its node's config schema is the same object. */
export type SettingsSchema = z.ZodObject;

/** A live settings update that was refused: names the node and the key. */
export class SettingsUpdateError extends Error {
  constructor(
    readonly nodeId: string,
    readonly key: string,
    detail: string,
  ) {
    super(`settings update for node '${nodeId}': '${key}' ${detail}`);
    this.name = 'SettingsUpdateError';
  }
}

/**
 * Parses a live update with the processor's own settings schema, key by key,
 * so an update holds only what it names: a missing key keeps its current value
 * instead of falling back to the schema's default (which `schema.partial()`
 * would fill in). Unknown keys and bad values are refused, naming the key;
 * nothing of a refused update is applied.
 */
export function parseSettingsUpdate<S extends SettingsSchema>(
  schema: S,
  update: Record<string, unknown>,
  nodeId: string,
): Partial<z.output<S>> {
  const shape = schema.shape as Record<string, z.ZodType>;
  const parsed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(update)) {
    if (!Object.hasOwn(shape, key)) {
      throw new SettingsUpdateError(
        nodeId,
        key,
        `is not one of its settings (${Object.keys(shape).join(', ')})`,
      );
    }
    const result = shape[key].safeParse(value);
    if (!result.success) {
      const issue = result.error.issues[0];
      const where = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
      throw new SettingsUpdateError(nodeId, key, `is invalid${where}: ${issue.message}`);
    }
    parsed[key] = result.data;
  }
  return parsed as Partial<z.output<S>>;
}
