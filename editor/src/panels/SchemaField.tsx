/**
 * One config field generated from its JSON Schema. An empty field means
 * "not set": the key leaves the document and the node type's default applies,
 * so graphs pick up improved defaults instead of freezing old ones.
 */
import { memo, type ReactNode, useEffect, useState } from 'react';
import { fieldKind, type JsonSchema } from './fieldKind.ts';

export interface SchemaFieldProps {
  name: string;
  schema: JsonSchema;
  value: unknown;
  required: boolean;
  error?: string;
  onChange(name: string, value: unknown): void;
  /** Shown under the description. */
  hint?: ReactNode;
}

function defaultText(schema: JsonSchema): string {
  if (schema.default === undefined) return '';
  return typeof schema.default === 'string' ? schema.default : JSON.stringify(schema.default);
}

function stepFor(schema: JsonSchema): number | 'any' {
  if (schema.type === 'integer') return 1;
  const { minimum, maximum } = schema;
  if (typeof minimum === 'number' && typeof maximum === 'number') {
    const span = maximum - minimum;
    return span <= 2 ? 0.01 : span <= 20 ? 0.05 : 1;
  }
  return 'any';
}

function NumberField({
  name,
  schema,
  value,
  onChange,
  setLocalError,
}: SchemaFieldProps & { setLocalError(e: string | undefined): void }) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-sync only when the value changes under us, not on every keystroke
  useEffect(() => {
    // Undo or a reload changed the value under us: show it, unless it is what we typed.
    if (Number(text) !== value || (text === '' && value !== undefined))
      setText(value === undefined ? '' : String(value));
  }, [value]);
  const commit = (next: string) => {
    setText(next);
    if (next.trim() === '') {
      setLocalError(undefined);
      onChange(name, undefined);
      return;
    }
    const n = Number(next);
    if (!Number.isFinite(n)) {
      setLocalError('not a number');
      return;
    }
    setLocalError(undefined);
    onChange(name, n);
  };
  const hasRange = typeof schema.minimum === 'number' && typeof schema.maximum === 'number';
  const current =
    typeof value === 'number'
      ? value
      : typeof schema.default === 'number'
        ? schema.default
        : (schema.minimum ?? 0);
  return (
    <div className="number-field">
      {hasRange && (
        <input
          type="range"
          aria-label={`${name} slider`}
          min={schema.minimum}
          max={schema.maximum}
          step={stepFor(schema)}
          value={current}
          onChange={(e) => commit(e.target.value)}
          data-testid={`field-${name}-range`}
        />
      )}
      <input
        type="number"
        id={`field-${name}`}
        data-testid={`field-${name}`}
        value={text}
        placeholder={defaultText(schema)}
        min={schema.minimum}
        max={schema.maximum}
        step={stepFor(schema)}
        onChange={(e) => commit(e.target.value)}
      />
    </div>
  );
}

function JsonField({
  name,
  schema,
  value,
  onChange,
  setLocalError,
}: SchemaFieldProps & { setLocalError(e: string | undefined): void }) {
  const format = (v: unknown) => (v === undefined ? '' : JSON.stringify(v, null, 2));
  const [text, setText] = useState(format(value));
  // biome-ignore lint/correctness/useExhaustiveDependencies: re-sync only when the value changes under us, not on every keystroke
  useEffect(() => {
    let same = false;
    try {
      same = text.trim() !== '' && JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
    } catch {
      same = false;
    }
    if (!same && !(text.trim() === '' && value === undefined)) setText(format(value));
  }, [value]);
  return (
    <textarea
      id={`field-${name}`}
      data-testid={`field-${name}`}
      className="json-field"
      spellCheck={false}
      rows={Math.min(14, Math.max(3, text.split('\n').length))}
      value={text}
      placeholder={format(schema.default)}
      onChange={(e) => {
        const next = e.target.value;
        setText(next);
        if (next.trim() === '') {
          setLocalError(undefined);
          onChange(name, undefined);
          return;
        }
        try {
          const parsed: unknown = JSON.parse(next);
          setLocalError(undefined);
          onChange(name, parsed);
        } catch (error) {
          setLocalError(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
        }
      }}
    />
  );
}

export const SchemaField = memo(function SchemaField(props: SchemaFieldProps) {
  const { name, schema, value, required, error, onChange, hint } = props;
  const [localError, setLocalError] = useState<string | undefined>();
  const kind = fieldKind(name, schema);
  const shownError = localError ?? error;
  const isSet = value !== undefined;

  let control: ReactNode;
  switch (kind) {
    case 'enum':
      control = (
        <select
          id={`field-${name}`}
          data-testid={`field-${name}`}
          value={isSet ? JSON.stringify(value) : ''}
          onChange={(e) =>
            onChange(name, e.target.value === '' ? undefined : JSON.parse(e.target.value))
          }
        >
          <option value="">
            {schema.default !== undefined ? `default (${String(schema.default)})` : '—'}
          </option>
          {(schema.enum ?? []).map((option) => (
            <option key={JSON.stringify(option)} value={JSON.stringify(option)}>
              {String(option)}
            </option>
          ))}
        </select>
      );
      break;
    case 'boolean':
      control = (
        <label className="checkbox">
          <input
            type="checkbox"
            id={`field-${name}`}
            data-testid={`field-${name}`}
            checked={Boolean(isSet ? value : schema.default)}
            onChange={(e) => onChange(name, e.target.checked)}
          />
          <span>{isSet ? String(value) : `default (${String(schema.default ?? false)})`}</span>
        </label>
      );
      break;
    case 'number':
      control = <NumberField {...props} setLocalError={setLocalError} />;
      break;
    case 'json':
      control = <JsonField {...props} setLocalError={setLocalError} />;
      break;
    case 'text':
      control = (
        <textarea
          id={`field-${name}`}
          data-testid={`field-${name}`}
          rows={6}
          value={typeof value === 'string' ? value : ''}
          placeholder={defaultText(schema)}
          onChange={(e) => onChange(name, e.target.value === '' ? undefined : e.target.value)}
        />
      );
      break;
    default:
      control = (
        <input
          type={schema.format === 'uri' ? 'url' : 'text'}
          id={`field-${name}`}
          data-testid={`field-${name}`}
          value={typeof value === 'string' ? value : value === undefined ? '' : String(value)}
          placeholder={defaultText(schema)}
          onChange={(e) => onChange(name, e.target.value === '' ? undefined : e.target.value)}
        />
      );
  }

  return (
    <div className={`form-field kind-${kind}${shownError ? ' invalid' : ''}`} data-field={name}>
      <div className="field-label-row">
        <label htmlFor={`field-${name}`} className="field-label">
          {name}
          {required && <span className="required">*</span>}
        </label>
        {typeof schema.minimum === 'number' && typeof schema.maximum === 'number' && (
          <span className="field-range">
            {schema.minimum}–{schema.maximum}
          </span>
        )}
        {isSet && (
          <button
            type="button"
            className="link-button"
            title="Reset to the default"
            data-testid={`reset-${name}`}
            onClick={() => onChange(name, undefined)}
          >
            reset
          </button>
        )}
      </div>
      {control}
      {schema.description && <div className="field-help">{schema.description}</div>}
      {hint}
      {shownError && (
        <div className="field-error" role="alert" data-testid={`field-error-${name}`}>
          {shownError}
        </div>
      )}
    </div>
  );
});
