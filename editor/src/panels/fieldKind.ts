/** Which widget a JSON Schema property gets. Pure, so form generation is testable without a DOM. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
}

export type FieldKind = 'enum' | 'boolean' | 'number' | 'string' | 'text' | 'json';

const LONG_TEXT_KEYS = /prompt|instructions|template|reply|message/i;

function primaryType(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.type) return schema.type;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants && variants.length > 0) {
    const types = new Set(variants.map(primaryType));
    if (types.size === 1) return [...types][0];
  }
  return undefined;
}

export function fieldKind(name: string, schema: JsonSchema): FieldKind {
  if (schema.enum && schema.enum.length > 0) return 'enum';
  const type = primaryType(schema);
  if (type === 'boolean') return 'boolean';
  if (type === 'number' || type === 'integer') return 'number';
  if (type === 'string') {
    const long =
      (schema.maxLength ?? 0) > 500 ||
      LONG_TEXT_KEYS.test(name) ||
      (typeof schema.default === 'string' && schema.default.length > 60);
    return long ? 'text' : 'string';
  }
  return 'json';
}
