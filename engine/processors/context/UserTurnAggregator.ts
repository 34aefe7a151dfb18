import type { TimerHandle } from '../../core/Clock.ts';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import { FrameProcessor, type Direction } from '../../core/FrameProcessor.ts';
import type { Frame } from '../../core/frames.ts';

export type InterruptionStrategy = 'immediate' | 'minDuration' | 'minWords';

export interface UserTurnSettings {
  /**
   * When user speech interrupts a speaking bot: at once, after `minDurationMs`
   * of continuous speech, or once `minWords` words were recognised. Speech that
   * never qualifies (a cough, "uh-huh") does not stop the bot and is dropped.
   */
  interruption: InterruptionStrategy;
  minDurationMs: number;
  minWords: number;
  /** How long to wait after end of speech for the recogniser's final text. */
  finalTimeoutMs: number;
}

/**
 * Turns user speech into conversation turns: gathers final transcripts while
 * the user speaks, adds the user message to the session's conversation when
 * the turn ends and asks the LLM to answer (`llm.context`). It also decides
 * barge-in: it is the one place that pushes `interrupt`.
 */
export class UserTurnAggregator extends FrameProcessor {
  private text: string[] = [];
  private interim = '';
  private userSpeaking = false;
  private botSpeaking = false;
  /** This stretch of user speech is allowed to become a turn (it interrupted, or the bot was silent). */
  private counts = false;
  private waitingForFinal: TimerHandle | undefined;
  private durationTimer: TimerHandle | undefined;

  constructor(
    id: string,
    private readonly conversation: ConversationContext,
    private settings: UserTurnSettings,
  ) {
    super(id);
  }

  protected override onSettings(settings: Record<string, unknown>): void {
    this.settings = { ...this.settings, ...(settings as Partial<UserTurnSettings>) };
  }

  protected override process(frame: Frame, direction: Direction): void {
    switch (frame.type) {
      case 'bot.speaking.started':
        this.botSpeaking = true;
        break;
      case 'bot.speaking.stopped':
        this.botSpeaking = false;
        break;
      case 'user.speaking.started':
        this.userStarted();
        break;
      case 'user.speaking.stopped':
        this.userStopped();
        break;
      case 'transcript.interim':
        this.interim = frame.text;
        this.checkWords();
        break;
      case 'transcript.final':
        this.text.push(frame.text);
        this.interim = '';
        this.checkWords();
        if (!this.userSpeaking && this.waitingForFinal) this.finishTurn();
        break;
      case 'text.input':
        this.interrupt('typed text');
        this.text.push(frame.text);
        this.counts = true;
        this.finishTurn();
        break;
    }
    this.push(frame, direction);
  }

  protected override onStop(): void {
    this.waitingForFinal?.cancel();
    this.durationTimer?.cancel();
  }

  private userStarted(): void {
    this.userSpeaking = true;
    this.waitingForFinal?.cancel();
    this.waitingForFinal = undefined;
    if (!this.botSpeaking || this.settings.interruption === 'immediate') {
      this.interrupt('user started speaking');
      return;
    }
    if (this.settings.interruption === 'minDuration') {
      this.durationTimer = this.clock.setTimeout(() => {
        if (this.userSpeaking) this.interrupt(`user spoke for ${this.settings.minDurationMs} ms`);
      }, this.settings.minDurationMs);
    }
  }

  private userStopped(): void {
    this.userSpeaking = false;
    this.durationTimer?.cancel();
    if (!this.counts) {
      // Speech that never qualified as a barge-in: the bot goes on, the words are dropped.
      this.text = [];
      this.interim = '';
      return;
    }
    if (this.text.length > 0) {
      this.finishTurn();
      return;
    }
    this.waitingForFinal = this.clock.setTimeout(() => this.finishTurn(), this.settings.finalTimeoutMs);
  }

  private checkWords(): void {
    if (this.counts || !this.userSpeaking || this.settings.interruption !== 'minWords') return;
    const words = [...this.text, this.interim].join(' ').split(/\s+/).filter(Boolean).length;
    if (words >= this.settings.minWords) this.interrupt(`user said ${words} words`);
  }

  private interrupt(reason: string): void {
    this.counts = true;
    this.durationTimer?.cancel();
    this.push(this.frame('interrupt', { reason }));
  }

  private finishTurn(): void {
    this.waitingForFinal?.cancel();
    this.waitingForFinal = undefined;
    const content = this.text.join(' ').trim();
    this.text = [];
    this.interim = '';
    const counted = this.counts;
    this.counts = false;
    if (!content || !counted) return;
    this.conversation.add({ role: 'user', content });
    this.push(this.frame('llm.context', { messages: [...this.conversation.messages] }));
  }
}
