import type { ChatMessage } from './frames.ts';

/** Bounds on one conversation's history, so a client cannot grow a session's memory without end. */
export interface ConversationLimits {
  /** Characters of content and tool arguments; ~1 M chars is far past any model's context window. */
  maxChars: number;
  maxMessages: number;
}

const DEFAULT_CONVERSATION_LIMITS: ConversationLimits = { maxChars: 1_000_000, maxMessages: 2_000 };

/**
 * The conversation of one session. It belongs to the session, not to a
 * processor, so replacing a node on hot reload keeps what was said.
 * Past its limits the oldest exchanges are forgotten — a tool call together
 * with its results, so what is left is still a valid history for an LLM.
 */
export class ConversationContext {
  private readonly items: ChatMessage[] = [];
  private forgotten = 0;
  /** The system message that stands for turns trimmed to fit a context budget. */
  private summary: ChatMessage | undefined;

  constructor(private readonly limits: ConversationLimits = DEFAULT_CONVERSATION_LIMITS) {}

  get messages(): readonly ChatMessage[] {
    return this.items;
  }

  /** How many messages were forgotten to stay within the limits. */
  get forgottenCount(): number {
    return this.forgotten;
  }

  /** The note left where older turns were trimmed to fit a budget, if any. */
  get note(): ChatMessage | undefined {
    return this.summary;
  }

  add(message: ChatMessage): void {
    this.items.push(message);
    this.forgetOldestBeyondLimits();
  }

  /** The last assistant message, if it is the newest message. */
  lastAssistant(): Extract<ChatMessage, { role: 'assistant' }> | undefined {
    const last = this.items[this.items.length - 1];
    return last?.role === 'assistant' ? last : undefined;
  }

  /**
   * Copies for a request, with the system prompt of the moment in front
   * (replacing any other system message but the trim note, which the model
   * must see to know earlier turns were cut). `messages` defaults to this
   * conversation's; a snapshot of it (an `llm.context`) may be given.
   */
  withSystemPrompt(
    systemPrompt: string,
    messages: readonly ChatMessage[] = this.items,
  ): ChatMessage[] {
    const rest = messages.filter((m) => m.role !== 'system' || m === this.summary);
    return systemPrompt ? [{ role: 'system', content: systemPrompt }, ...rest] : [...rest];
  }

  /**
   * Drops every message before `cut` but system ones, and the previous note,
   * and puts `note` where they were: one trim, for a context budget.
   */
  compact(cut: number, note: string): void {
    const head = this.items.slice(0, cut);
    const kept = head.filter((m) => m.role === 'system' && m !== this.summary);
    this.summary = { role: 'system', content: note };
    this.forgotten += head.filter((m) => m.role !== 'system').length;
    this.items.splice(0, cut, ...kept, this.summary);
  }

  /**
   * Puts `content` in place of the note if the note still reads `expected`
   * (a summary written in the background must not overwrite a later trim's).
   */
  replaceNote(expected: string, content: string): boolean {
    const i = this.summary ? this.items.indexOf(this.summary) : -1;
    if (i < 0 || this.summary?.content !== expected) return false;
    this.summary = { role: 'system', content };
    this.items[i] = this.summary;
    return true;
  }

  /** Removes a message added earlier (an assistant reply nobody heard). */
  remove(message: ChatMessage): void {
    const i = this.items.indexOf(message);
    if (i >= 0) this.items.splice(i, 1);
  }

  clear(): void {
    this.items.length = 0;
    this.summary = undefined;
  }

  private forgetOldestBeyondLimits(): void {
    // Recounted on each add: messages can be edited in place (a reply cut at a barge-in), and the count is small.
    let chars = 0;
    for (const m of this.items) chars += sizeOf(m);
    while (
      (chars > this.limits.maxChars || this.items.length > this.limits.maxMessages) &&
      this.items.length > 1
    ) {
      const oldest = this.items.findIndex((m) => m.role !== 'system');
      if (oldest < 0 || oldest === this.items.length - 1) return; // never forget the message just added
      let end = oldest + 1;
      // A tool call and its answers go together; an orphaned answer goes with whatever came before it.
      while (end < this.items.length - 1 && this.items[end].role === 'tool') end++;
      for (const m of this.items.splice(oldest, end - oldest)) chars -= sizeOf(m);
      this.forgotten += end - oldest;
    }
  }
}

function sizeOf(message: ChatMessage): number {
  let chars = message.content.length;
  if (message.role === 'assistant')
    for (const call of message.toolCalls ?? []) chars += call.name.length + call.arguments.length;
  return chars;
}
