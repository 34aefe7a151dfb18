import type { ConversationContext } from '../../core/ConversationContext.ts';
import { type Direction, FrameProcessor } from '../../core/FrameProcessor.ts';
import type { ChatMessage, Frame } from '../../core/frames.ts';

type AssistantMessage = Extract<ChatMessage, { role: 'assistant' }>;

/**
 * Writes the bot's replies into the session's conversation — as heard. Placed
 * anywhere between the LLM and the output: it reads the generated text going
 * downstream and the `bot.spoken` reports coming back from the output. When
 * the graph speaks, the message is what was played, so after a barge-in the
 * LLM's memory holds the words the user actually heard, not the ones it
 * planned. A reply nobody heard any of is removed.
 */
export class AssistantTurnAggregator extends FrameProcessor {
  private generated = '';
  private spoken: string[] = [];
  private message: AssistantMessage | undefined;
  /** Whether this graph speaks its replies (seen a `bot.spoken` report). */
  private graphSpeaks = false;

  constructor(
    id: string,
    private readonly conversation: ConversationContext,
  ) {
    super(id);
  }

  protected override process(frame: Frame, direction: Direction): void {
    if (direction === 'downstream') {
      if (frame.type === 'llm.response.start') this.begin();
      else if (frame.type === 'llm.text') this.generated += frame.text;
      else if (frame.type === 'llm.response.end' && this.spoken.length === 0)
        this.write(this.graphSpeaks ? '' : this.generated);
    } else if (frame.type === 'bot.spoken') {
      this.graphSpeaks = true;
      if (frame.text) this.spoken.push(frame.text);
      this.write(this.spoken.join(' '));
    }
    this.push(frame, direction);
  }

  protected override onInterrupt(): void {
    // Text generated but never played is not part of the conversation.
    if (this.graphSpeaks && this.spoken.length === 0 && this.message) this.write('');
  }

  private begin(): void {
    this.generated = '';
    this.spoken = [];
    this.message = undefined;
  }

  private write(content: string): void {
    const text = content.trim();
    if (!text) {
      if (this.message) this.conversation.remove(this.message);
      this.message = undefined;
      return;
    }
    if (!this.message) {
      this.message = { role: 'assistant', content: text };
      this.conversation.add(this.message);
    } else {
      this.message.content = text;
    }
  }
}
