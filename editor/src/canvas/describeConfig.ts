/**
 * The two or three settings worth showing on a node's face: what the user set
 * first, then enums and prompts from the schema's defaults.
 */
interface SchemaProperty {
  type?: string | string[];
  enum?: unknown[];
  default?: unknown;
}

export function formatValue(value: unknown, max = 28): string {
  let text: string;
  if (Array.isArray(value)) text = `${value.length} item${value.length === 1 ? '' : 's'}`;
  else if (value && typeof value === 'object') text = `{${Object.keys(value).length} keys}`;
  else text = String(value);
  text = text.replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function describeConfig(
  config: Record<string, unknown>,
  schema: Record<string, unknown> | undefined,
  limit = 3,
): Array<[string, string]> {
  const props = (schema?.properties ?? {}) as Record<string, SchemaProperty>;
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(config)) {
    if (out.length >= limit) break;
    out.push([key, formatValue(value)]);
  }
  for (const [key, prop] of Object.entries(props)) {
    if (out.length >= limit) break;
    if (key in config || prop.default === undefined) continue;
    if (prop.enum || key === 'model' || key === 'voice') out.push([key, formatValue(prop.default)]);
  }
  return out;
}
