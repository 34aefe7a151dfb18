/**
 * The editor's node catalogue: what `/api/node-types` returned, shaped as the
 * engine's NodeCatalogue so `validateGraph` runs here exactly as on the server.
 * Config checks compile each type's JSON Schema back into zod once.
 */
import { z } from 'zod';
import type { NodeCatalogue } from '#engine/browser';
import type { NodeTypeEntry } from '#server/wire';

export interface EditorCatalogue extends NodeCatalogue {
  readonly types: readonly NodeTypeEntry[];
  info(type: string): NodeTypeEntry | undefined;
}

type ConfigResult = ReturnType<NodeCatalogue['validateConfig']>;

export function createCatalogue(types: readonly NodeTypeEntry[]): EditorCatalogue {
  const byType = new Map(types.map((t) => [t.type, t]));
  const compiled = new Map<string, z.ZodType | null>();

  const schemaFor = (type: string): z.ZodType | null => {
    if (compiled.has(type)) return compiled.get(type)!;
    const info = byType.get(type);
    let schema: z.ZodType | null = null;
    if (info) {
      try {
        schema = z.fromJSONSchema(info.configSchema as Parameters<typeof z.fromJSONSchema>[0]);
      } catch {
        // A schema feature zod cannot rebuild: the server still checks it on save.
        schema = null;
      }
    }
    compiled.set(type, schema);
    return schema;
  };

  return {
    types,
    info: (type) => byType.get(type),
    validateConfig(type, config): ConfigResult {
      const schema = schemaFor(type);
      if (!schema) return { ok: true, value: (config ?? {}) as Record<string, unknown> };
      const result = schema.safeParse(config ?? {});
      if (result.success) return { ok: true, value: result.data as Record<string, unknown> };
      return {
        ok: false,
        issues: result.error.issues.map((i) => ({ path: i.path, message: i.message })),
      };
    },
  };
}
