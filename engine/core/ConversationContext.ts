import type { ChatMessage } from './frames.ts';

/**
 * The conversation of one session. It belongs to the session, not to a
 * processor, so replacing a node on hot reload keeps what was said.
 */
export class ConversationContext {
  private readonly items: ChatMessage[] = [];

  get messages(): readonly ChatMessage[] {
    return this.items;
  }

  add(message: ChatMessage): void {
    this.items.push(message);
  }

  /** The last assistant message, if it is the newest message. */
  lastAssistant(): Extract<ChatMessage, { role: 'assistant' }> | undefined {
    const last = this.items[this.items.length - 1];
    return last?.role === 'assistant' ? last : undefined;
  }

  /** Copies for a request, with the system prompt of the moment in front. */
  withSystemPrompt(systemPrompt: string): ChatMessage[] {
    const rest = this.items.filter((m) => m.role !== 'system');
    return systemPrompt ? [{ role: 'system', content: systemPrompt }, ...rest] : [...rest];
  }

  /** Removes a message added earlier (an assistant reply nobody heard). */
  remove(message: ChatMessage): void {
    const i = this.items.indexOf(message);
    if (i >= 0) this.items.splice(i, 1);
  }

  clear(): void {
    this.items.length = 0;
  }
}
