/** A form for a node's config, generated from its type's JSON Schema. */
import { memo, type ReactNode } from 'react';
import type { JsonSchema } from './fieldKind.ts';
import { SchemaField } from './SchemaField.tsx';

export interface SchemaFormProps {
  schema: JsonSchema;
  value: Record<string, unknown>;
  /** Validation messages by top-level config key. */
  errors: Record<string, string>;
  onChange(key: string, value: unknown): void;
  /** Extra help under a field, by key (e.g. the endpoints a base URL may name). */
  hints?: Readonly<Record<string, ReactNode>>;
}

export const SchemaForm = memo(function SchemaForm({
  schema,
  value,
  errors,
  onChange,
  hints,
}: SchemaFormProps) {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const keys = Object.keys(properties);
  // Keys in the config that the schema does not know: shown so they can be removed.
  const unknown = Object.keys(value).filter((k) => !(k in properties));
  if (keys.length === 0 && unknown.length === 0)
    return <p className="muted">This node has no settings.</p>;
  return (
    <div className="schema-form" data-testid="schema-form">
      {keys.map((key) => (
        <SchemaField
          key={key}
          name={key}
          schema={properties[key]}
          value={value[key]}
          required={required.has(key)}
          error={errors[key]}
          onChange={onChange}
          hint={hints?.[key]}
        />
      ))}
      {unknown.map((key) => (
        <SchemaField
          key={key}
          name={key}
          schema={{ description: 'Not in this node type’s schema.' }}
          value={value[key]}
          required={false}
          error={errors[key]}
          onChange={onChange}
        />
      ))}
    </div>
  );
});
