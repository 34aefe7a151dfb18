// @vitest-environment jsdom

import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fieldKind, type JsonSchema } from '../../editor/src/panels/fieldKind.ts';
import { SchemaForm } from '../../editor/src/panels/SchemaForm.tsx';
import { nodeTypes } from './fixtures/loadCatalogue.ts';

afterEach(cleanup);

const schemaOf = (type: string) =>
  nodeTypes.find((t) => t.type === type)!.configSchema as JsonSchema;

describe('fieldKind', () => {
  it('picks a widget per schema', () => {
    const llm = schemaOf('llm.openai').properties!;
    expect(fieldKind('temperature', llm.temperature)).toBe('number');
    expect(fieldKind('systemPrompt', llm.systemPrompt)).toBe('text');
    expect(fieldKind('model', llm.model)).toBe('string');
    expect(fieldKind('baseUrl', llm.baseUrl)).toBe('string'); // anyOf of strings
    expect(fieldKind('voice', schemaOf('tts.flite').properties!.voice)).toBe('enum');
    expect(
      fieldKind('muteWhileBotSpeaking', schemaOf('vad.silero').properties!.muteWhileBotSpeaking),
    ).toBe('boolean');
    expect(fieldKind('intents', schemaOf('llm.rules').properties!.intents)).toBe('json');
  });
});

describe('SchemaForm', () => {
  it('renders one field per property with the right control', () => {
    render(
      <SchemaForm schema={schemaOf('llm.openai')} value={{}} errors={{}} onChange={() => {}} />,
    );
    expect((screen.getByTestId('field-systemPrompt') as HTMLElement).tagName).toBe('TEXTAREA');
    expect(screen.getByTestId('field-temperature')).toHaveProperty('type', 'number');
    expect(screen.getByTestId('field-temperature-range')).toHaveProperty('type', 'range');
    expect(screen.getByTestId('field-temperature').getAttribute('max')).toBe('2');
    expect(screen.getByTestId('field-model').getAttribute('placeholder')).toBe('gpt-4o-mini');
    expect(screen.getByText('0–2')).toBeTruthy();
  });

  it('renders enums as selects with a "default" option', () => {
    const onChange = vi.fn();
    render(
      <SchemaForm
        schema={schemaOf('tts.flite')}
        value={{ voice: 'slt' }}
        errors={{}}
        onChange={onChange}
      />,
    );
    const select = screen.getByTestId('field-voice') as HTMLSelectElement;
    expect(select.tagName).toBe('SELECT');
    expect([...select.options].map((o) => o.textContent)).toEqual([
      'default (slt)',
      'slt',
      'rms',
      'awb',
      'kal16',
      'kal',
    ]);
    fireEvent.change(select, { target: { value: JSON.stringify('rms') } });
    expect(onChange).toHaveBeenLastCalledWith('voice', 'rms');
    fireEvent.change(select, { target: { value: '' } });
    expect(onChange).toHaveBeenLastCalledWith('voice', undefined);
  });

  it('emits numbers, undefined for an empty field, and flags non-numbers locally', () => {
    const onChange = vi.fn();
    render(
      <SchemaForm schema={schemaOf('vad.silero')} value={{}} errors={{}} onChange={onChange} />,
    );
    const input = screen.getByTestId('field-stopMs');
    fireEvent.change(input, { target: { value: '800' } });
    expect(onChange).toHaveBeenLastCalledWith('stopMs', 800);
    fireEvent.change(input, { target: { value: '' } });
    expect(onChange).toHaveBeenLastCalledWith('stopMs', undefined);
  });

  it('toggles booleans', () => {
    const onChange = vi.fn();
    render(
      <SchemaForm schema={schemaOf('vad.silero')} value={{}} errors={{}} onChange={onChange} />,
    );
    fireEvent.click(screen.getByTestId('field-muteWhileBotSpeaking'));
    expect(onChange).toHaveBeenLastCalledWith('muteWhileBotSpeaking', true);
  });

  it('edits arrays as JSON and reports JSON syntax errors without emitting', () => {
    const onChange = vi.fn();
    render(
      <SchemaForm schema={schemaOf('llm.rules')} value={{}} errors={{}} onChange={onChange} />,
    );
    const area = screen.getByTestId('field-intents');
    fireEvent.change(area, { target: { value: '[{"name": "x", ' } });
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByTestId('field-error-intents').textContent).toMatch(/invalid JSON/);
    fireEvent.change(area, { target: { value: '[{"name":"x","patterns":["hi"]}]' } });
    expect(onChange).toHaveBeenLastCalledWith('intents', [{ name: 'x', patterns: ['hi'] }]);
    expect(screen.queryByTestId('field-error-intents')).toBeNull();
  });

  it('shows validator errors under their field and offers reset when a value is set', () => {
    const onChange = vi.fn();
    render(
      <SchemaForm
        schema={schemaOf('vad.silero')}
        value={{ stopMs: 9000 }}
        errors={{ stopMs: 'Too big: expected number to be <=5000' }}
        onChange={onChange}
      />,
    );
    expect(screen.getByTestId('field-error-stopMs').textContent).toContain('<=5000');
    fireEvent.click(screen.getByTestId('reset-stopMs'));
    expect(onChange).toHaveBeenLastCalledWith('stopMs', undefined);
  });

  it('follows outside changes (undo) in number fields', () => {
    const { rerender } = render(
      <SchemaForm
        schema={schemaOf('vad.silero')}
        value={{ stopMs: 500 }}
        errors={{}}
        onChange={() => {}}
      />,
    );
    expect((screen.getByTestId('field-stopMs') as HTMLInputElement).value).toBe('500');
    rerender(
      <SchemaForm
        schema={schemaOf('vad.silero')}
        value={{ stopMs: 1500 }}
        errors={{}}
        onChange={() => {}}
      />,
    );
    expect((screen.getByTestId('field-stopMs') as HTMLInputElement).value).toBe('1500');
  });
});
