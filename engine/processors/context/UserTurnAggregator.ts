import type { TimerHandle } from '../../core/Clock.ts';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import { FrameProcessor, type Direction } from '../../core/FrameProcessor.ts';
import type { Frame } from '../../core/frames.ts';
import { normalizeWords } from '../../services/llm/PreemptiveResponse.ts';
import { BargeInPause, DEFAULT_FALSE_INTERRUPTION_TIMEOUT_MS, type FalseInterruptionMode } from './BargeInPause.ts';
import { transcriptEndOfTurn, type EndOfTurnAnalyzer } from './EndOfTurnAnalyzer.ts';

export type InterruptionStrategy = 'immediate' | 'minDuration' | 'minWords';

/**
 * `vad`: the turn ends when the VAD hears the user stop (after its stop delay)
 * and the final text is in. `smart`: the same, but a transcript that ends
 * mid-sentence ("remind me to", "and um") waits `incompleteExtraMs` more for
 * the user to go on; any other ends the turn at once.
 */
export type EndOfTurnMode = 'vad' | 'smart';

export interface UserTurnSettings {
  /**
   * When user speech interrupts a speaking bot: at once, after `minDurationMs`
   * of continuous speech, or once `minWords` words were recognised. Speech that
   * never qualifies (a cough, "uh-huh") does not stop the bot and is dropped.
   */
  interruption: InterruptionStrategy;
  minDurationMs: number;
  minWords: number;
  /**
   * minDuration/minWords: what the bot does while speech is not yet an
   * interruption. `ignore` (default): talks on. `pause`: goes quiet at once
   * and resumes where it stopped if the speech ends (or
   * `falseInterruptionTimeoutMs` passes) without qualifying.
   */
  falseInterruption?: FalseInterruptionMode;
  /** pause: resume after this long if the speech has not become an interruption (ms). Defaults to 2000. */
  falseInterruptionTimeoutMs?: number;
  /** How long to wait after end of speech for the recogniser's final text. */
  finalTimeoutMs: number;
  /** Defaults to `vad`. */
  endOfTurn?: EndOfTurnMode;
  /** smart: extra wait after a transcript that sounds unfinished (ms). Defaults to 600. */
  incompleteExtraMs?: number;
  /**
   * When the VAD reports a pause (`user.speaking.paused`, before its stop
   * delay), ask the LLM to start on the words so far; it holds the answer back
   * until the turn ends with the same words, else cancels it. Saves the
   * model's time to first token; costs a request per pause that was not the
   * end. Defaults to false.
   */
  preemptiveGeneration?: boolean;
}

const DEFAULT_INCOMPLETE_EXTRA_MS = 600;
/**
 * After a VAD pause, words that change within this long are the recogniser
 * catching up with speech already heard (partials lag the audio), so the
 * preemptive request is re-issued with them; later changes mean the user went
 * on, and it is only withdrawn.
 */
const PREEMPT_CATCH_UP_MS = 250;

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
  /**
   * The last turn counted but ended with no words (the final transcript did not
   * come within `finalTimeoutMs`), and nothing has happened since: the user is
   * still waiting for an answer, so a late final is answered at once.
   */
  private unanswered = false;
  /** The words a preemptive LLM request was started on, until the turn ends or the words change. */
  private preempted: string | undefined;
  private pausedAt: number | undefined;
  /** smart mode: the user stopped mid-sentence; the turn ends when this fires unless they go on. */
  private holding: { timer: TimerHandle; since: number; reason: string } | undefined;
  private readonly bargeInPause = new BargeInPause(
    { setTimeout: (callback, delayMs) => this.clock.setTimeout(callback, delayMs) },
    {
      pause: (reason) => this.push(this.frame('output.pause', { reason })),
      resume: (reason) => {
        this.logger.debug({ node: this.id, reason }, 'false interruption: the bot plays on');
        this.push(this.frame('output.resume', { reason }));
      },
    },
  );

  constructor(
    id: string,
    private readonly conversation: ConversationContext,
    private settings: UserTurnSettings,
    private readonly analyze: EndOfTurnAnalyzer = transcriptEndOfTurn,
  ) {
    super(id);
  }

  protected override onSettings(settings: Record<string, unknown>): void {
    this.settings = { ...this.settings, ...(settings as Partial<UserTurnSettings>) };
    // Pausing switched off mid-pause: nothing would resume the bot any more.
    if (this.settings.falseInterruption !== 'pause') this.bargeInPause.resume('falseInterruption set to ignore');
    // Switched to `vad` mid-hold: the user is owed the answer the new mode would have given already.
    if (this.holding && this.settings.endOfTurn !== 'smart') this.finishTurn();
  }

  protected override process(frame: Frame, direction: Direction): void {
    switch (frame.type) {
      case 'bot.speaking.started':
        this.botSpeaking = true;
        this.unanswered = false; // the bot is saying something else now: a late final would answer out of turn
        break;
      case 'bot.speaking.stopped':
        this.botSpeaking = false;
        this.bargeInPause.abandon(); // stopped (an interrupt): nothing held to resume
        break;
      case 'user.speaking.started':
        this.userStarted();
        break;
      case 'user.speaking.stopped':
        this.userStopped();
        break;
      case 'user.speaking.paused':
        this.userPaused();
        break;
      case 'transcript.interim':
        this.interim = frame.text;
        this.checkWords();
        this.checkPreempted();
        break;
      case 'transcript.final':
        if (this.isLate()) {
          this.lateFinal(frame.text);
          break;
        }
        this.text.push(frame.text);
        this.interim = '';
        this.checkWords();
        this.checkPreempted();
        // Late final text after end of speech, or more words while holding: decide now.
        if (!this.userSpeaking && (this.waitingForFinal || this.holding)) this.endOfSpeech();
        break;
      case 'text.input':
        this.unanswered = false;
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
    this.holding?.timer.cancel();
    this.bargeInPause.abandon();
  }

  private userStarted(): void {
    this.userSpeaking = true;
    this.pausedAt = undefined;
    this.unanswered = false;
    this.waitingForFinal?.cancel();
    this.waitingForFinal = undefined;
    if (this.holding) {
      // The user went on after a mid-sentence pause: same turn, its words so far are kept.
      this.holding.timer.cancel();
      this.holding = undefined;
      return;
    }
    if (!this.botSpeaking || this.settings.interruption === 'immediate') {
      this.interrupt('user started speaking');
      return;
    }
    // Quiet as fast as an immediate interruption, but nothing is lost if this turns out to be a cough.
    if (this.settings.falseInterruption === 'pause') {
      this.bargeInPause.begin(this.settings.falseInterruptionTimeoutMs ?? DEFAULT_FALSE_INTERRUPTION_TIMEOUT_MS);
    }
    if (this.settings.interruption === 'minDuration') {
      this.durationTimer = this.clock.setTimeout(() => {
        if (this.userSpeaking) this.interrupt(`user spoke for ${this.settings.minDurationMs} ms`);
      }, this.settings.minDurationMs);
    }
  }

  /** The VAD heard a short silence: the turn may be ending, so the LLM may start on it (held back until it does). */
  private userPaused(): void {
    this.pausedAt = this.clock.now();
    this.preempt();
  }

  private preempt(): void {
    if (!this.settings.preemptiveGeneration || !this.userSpeaking || !this.counts) return;
    const content = this.spokenSoFar();
    if (!content || content === this.preempted) return;
    // smart: an unfinished sentence will not be the turn's end; asking now would be wasted.
    if (this.settings.endOfTurn === 'smart' && !this.analyze(content).complete) return;
    this.preempted = content;
    this.push(this.frame('llm.context.preemptive', { messages: [...this.conversation.messages, { role: 'user', content }] }));
  }

  /** New words since the preemptive request: it answers the wrong question, cancel it now rather than at the turn's end. */
  private checkPreempted(): void {
    if (this.preempted === undefined) return;
    if (normalizeWords(this.spokenSoFar()) === normalizeWords(this.preempted)) return;
    this.withdrawPreempted();
    if (this.pausedAt !== undefined && this.clock.now() - this.pausedAt <= PREEMPT_CATCH_UP_MS) this.preempt();
  }

  private withdrawPreempted(): void {
    if (this.preempted === undefined) return;
    this.preempted = undefined;
    this.push(this.frame('llm.context.discard', {}));
  }

  private spokenSoFar(): string {
    return [...this.text, this.interim].join(' ').replace(/\s+/g, ' ').trim();
  }

  private userStopped(): void {
    this.userSpeaking = false;
    this.durationTimer?.cancel();
    if (!this.counts) {
      // Speech that never qualified as a barge-in: the bot goes on, the words are dropped.
      this.bargeInPause.resume('speech ended without interrupting');
      this.text = [];
      this.interim = '';
      this.withdrawPreempted();
      return;
    }
    if (this.text.length > 0) {
      this.endOfSpeech();
      return;
    }
    this.waitingForFinal = this.clock.setTimeout(() => this.finishTurn(), this.settings.finalTimeoutMs);
  }

  /** The user is silent and there is text: end the turn, or in smart mode hold an unfinished sentence open. */
  private endOfSpeech(): void {
    this.waitingForFinal?.cancel();
    this.waitingForFinal = undefined;
    if (this.settings.endOfTurn !== 'smart') {
      this.finishTurn();
      return;
    }
    const verdict = this.analyze(this.text.join(' '));
    if (verdict.complete) {
      this.finishTurn();
      return;
    }
    if (this.holding) return; // still unfinished: the running hold decides
    const extraMs = this.settings.incompleteExtraMs ?? DEFAULT_INCOMPLETE_EXTRA_MS;
    this.logger.debug({ node: this.id, reason: verdict.reason, extraMs }, 'holding the turn open');
    // Tells observers that speech starting now continues this turn rather than opening a new one.
    this.pushMetric('endOfTurnHold', extraMs, { reason: verdict.reason });
    this.holding = { timer: this.clock.setTimeout(() => this.finishTurn(), extraMs), since: this.clock.now(), reason: verdict.reason };
  }

  /** A final transcript with no turn waiting for it: the user is silent and nothing is pending. */
  private isLate(): boolean {
    return !this.userSpeaking && !this.waitingForFinal && !this.holding;
  }

  /**
   * A final that came after its turn was given up on. Answered at once if that
   * turn is still unanswered; otherwise dropped — keeping it would make it the
   * first words of the user's *next* turn, answered one turn late.
   */
  private lateFinal(text: string): void {
    if (!this.unanswered) {
      this.logger.debug({ node: this.id, text }, 'dropped a final transcript that belongs to no open turn');
      this.pushMetric('lateTranscriptDropped', 1);
      return;
    }
    this.unanswered = false;
    this.text = [text];
    this.counts = true;
    this.endOfSpeech();
  }

  private checkWords(): void {
    if (this.counts || !this.userSpeaking || this.settings.interruption !== 'minWords') return;
    const words = [...this.text, this.interim].join(' ').split(/\s+/).filter(Boolean).length;
    if (words >= this.settings.minWords) this.interrupt(`user said ${words} words`);
  }

  private interrupt(reason: string): void {
    this.bargeInPause.abandon(); // the interrupt flushes the held output
    this.counts = true;
    this.durationTimer?.cancel();
    this.push(this.frame('interrupt', { reason }));
  }

  private finishTurn(): void {
    this.waitingForFinal?.cancel();
    this.waitingForFinal = undefined;
    const held = this.holding;
    this.holding = undefined;
    held?.timer.cancel();
    const content = this.text.join(' ').trim();
    this.text = [];
    this.interim = '';
    const counted = this.counts;
    this.counts = false;
    this.unanswered = counted && !content;
    // A turn with words goes to the LLM, which keeps a preemptive request for the same words and cancels any other.
    if (!content || !counted) this.withdrawPreempted();
    this.preempted = undefined;
    if (!content || !counted) return;
    this.conversation.add({ role: 'user', content });
    // How long the unfinished-sentence check kept the user's turn open, for the latency waterfall.
    if (held) this.pushMetric('endOfTurnHoldMs', this.clock.now() - held.since, { reason: held.reason });
    this.push(this.frame('llm.context', { messages: [...this.conversation.messages] }));
  }
}
