import { describe, expect, it } from 'vitest';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';

describe('ConversationContext limits', () => {
  it('forgets the oldest messages past its character budget, keeping the system prompt and the newest', () => {
    const c = new ConversationContext({ maxChars: 100, maxMessages: 1000 });
    c.add({ role: 'system', content: 'be brief' });
    for (let i = 0; i < 10; i++) c.add({ role: 'user', content: `${i}`.padEnd(30, '.') });
    const contents = c.messages.map((m) => m.content[0]);
    expect(contents).toEqual(['b', '7', '8', '9']);
    expect(c.forgottenCount).toBe(7);
  });

  it('forgets a tool call together with its results, so the history stays valid for an LLM', () => {
    const c = new ConversationContext({ maxChars: 10_000, maxMessages: 4 });
    c.add({ role: 'user', content: 'weather?' });
    c.add({
      role: 'assistant',
      content: '',
      toolCalls: [
        { id: 'a', name: 'weather', arguments: '{}' },
        { id: 'b', name: 'time', arguments: '{}' },
      ],
    });
    c.add({ role: 'tool', toolCallId: 'a', content: 'sunny' });
    c.add({ role: 'tool', toolCallId: 'b', content: 'noon' });
    c.add({ role: 'assistant', content: 'Sunny at noon.' });
    c.add({ role: 'user', content: 'thanks' });
    expect(c.messages.map((m) => m.role)).toEqual(['assistant', 'user']);
    expect(c.messages.some((m) => m.role === 'tool')).toBe(false);
  });

  it('a flood of megabyte messages stays within the budget', () => {
    const c = new ConversationContext();
    const big = 'x'.repeat(900_000);
    for (let i = 0; i < 20; i++) c.add({ role: 'user', content: big });
    expect(c.messages).toHaveLength(1);
    expect(c.forgottenCount).toBe(19);
  });
});
