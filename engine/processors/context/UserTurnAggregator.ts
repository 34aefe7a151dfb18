import { z } from 'zod';
import type { TimerHandle } from '../../core/Clock.ts';
import type { ConversationContext } from '../../core/ConversationContext.ts';
import { type Direction, FrameProcessor } from '../../core/FrameProcessor.ts';
import type { ChatMessage, Frame } from '../../core/frames.ts';
import { BargeIn } from './BargeIn.ts';
import { contextBudgetSettings, noteBody, planTrim, summaryMaxChars } from './ContextBudget.ts';
import { type EndOfTurnAnalyzer, transcriptEndOfTurn } from './EndOfTurnAnalyzer.ts';
import { PreemptiveGeneration } from './PreemptiveGeneration.ts';

export const userTurnSettings = z.object({
  interruption: z
    .enum(['immediate', 'minDuration', 'minWords'])
    .default('immediate')
    .describe('When user speech interrupts a speaking bot'),
  minDurationMs: z
    .number()
    .int()
    .min(0)
    .max(3000)
    .default(300)
    .describe('minDuration: speech needed to interrupt (ms)'),
  minWords: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(2)
    .describe('minWords: recognised words needed to interrupt'),
  falseInterruption: z
    .enum(['ignore', 'pause'])
    .default('ignore')
    .describe(
      'minDuration/minWords: what the bot does while the user’s speech is not yet an ' +
        'interruption. ignore: talks on. pause: goes quiet at once and resumes where it ' +
        'stopped if the speech ends without interrupting (a cough, “mm-hm”)',
    ),
  falseInterruptionTimeoutMs: z
    .number()
    .int()
    .min(100)
    .max(10000)
    .default(2000)
    .describe(
      'pause: longest the bot stays paused for speech that has not become an interruption; ' +
        'then it resumes (ms)',
    ),
  finalTimeoutMs: z
    .number()
    .int()
    .min(0)
    .max(5000)
    .default(1000)
    .describe('Wait for the final transcript after end of speech (ms)'),
  endOfTurn: z
    .enum(['vad', 'smart'])
    .default('vad')
    .describe(
      'vad: the turn ends when the VAD hears silence. smart: also checks the words — ' +
        'a sentence left hanging ("and", "um", "to") waits a little longer',
    ),
  incompleteExtraMs: z
    .number()
    .int()
    .min(0)
    .max(3000)
    .default(600)
    .describe('smart: extra wait after an unfinished sentence (ms)'),
  preemptiveGeneration: z
    .boolean()
    .default(false)
    .describe(
      'Start the LLM when the VAD hears a pause (its pauseMs), before the turn is confirmed; ' +
        'the answer is held back until the turn ends with the same words, else cancelled. ' +
        'Faster replies, more LLM requests',
    ),
  ...contextBudgetSettings.shape,
});

export type UserTurnSettings = z.output<typeof userTurnSettings>;

/**
 * Turns user speech into conversation turns: gathers final transcripts while
 * the user speaks, adds the user message to the session's conversation when
 * the turn ends and asks the LLM to answer (`llm.context`). It is the one
 * place that pushes `interrupt`: when speech over a speaking bot is a
 * barge-in is BargeIn's call (by the interruption strategy the settings
 * name), and early LLM requests on a pause are PreemptiveGeneration's.
 */
export class UserTurnAggregator extends FrameProcessor {
  protected override readonly settingsSchema = userTurnSettings;
  private settings: UserTurnSettings;
  private text: string[] = [];
  private interim = '';
  private userSpeaking = false;
  private botSpeaking = false;
  /** This stretch of user speech may become a turn (it interrupted, or the bot was silent). */
  private counts = false;
  private waitingForFinal: TimerHandle | undefined;
  /**
   * The last turn counted but ended with no words (the final transcript did not
   * come within `finalTimeoutMs`), and nothing has happened since: the user is
   * still waiting for an answer, so a late final is answered at once.
   */
  private unanswered = false;
  /** smart mode: the user stopped mid-sentence; the turn ends when this fires unless they go on. */
  private holding: { timer: TimerHandle; since: number; reason: string } | undefined;
  private readonly bargeIn = new BargeIn(
    { setTimeout: (callback, delayMs) => this.clock.setTimeout(callback, delayMs) },
    {
      interrupt: (reason) => this.interrupt(reason),
      pause: (reason) => this.push(this.frame('output.pause', { reason })),
      resume: (reason) => {
        this.logger.debug({ node: this.id, reason }, 'false interruption: the bot plays on');
        this.push(this.frame('output.resume', { reason }));
      },
    },
  );
  private readonly preemptive = new PreemptiveGeneration({
    now: () => this.clock.now(),
    spokenSoFar: () => this.spokenSoFar(),
    mayPreempt: (words) =>
      this.settings.preemptiveGeneration &&
      this.userSpeaking &&
      this.counts &&
      // smart: an unfinished sentence will not be the turn's end; asking now would be wasted.
      (this.settings.endOfTurn !== 'smart' || this.analyze(words).complete),
    startEarly: (content) => {
      this.fitBudget({ role: 'user', content });
      const messages = [...this.conversation.messages, { role: 'user' as const, content }];
      this.push(this.frame('llm.context.preemptive', { messages }));
    },
    discard: () => this.push(this.frame('llm.context.discard', {})),
  });

  constructor(
    id: string,
    private readonly conversation: ConversationContext,
    /** A key left out takes the schema's default. */
    settings: Partial<UserTurnSettings>,
    private readonly analyze: EndOfTurnAnalyzer = transcriptEndOfTurn,
  ) {
    super(id);
    this.settings = userTurnSettings.parse(settings);
  }

  protected override onSettings(update: Partial<UserTurnSettings>): void {
    this.settings = { ...this.settings, ...update };
    this.bargeIn.settingsChanged(this.settings);
    // Switched to `vad` mid-hold: the user is owed the answer that mode would have given already.
    if (this.holding && this.settings.endOfTurn !== 'smart') this.finishTurn();
  }

  protected override process(frame: Frame, direction: Direction): void {
    switch (frame.type) {
      case 'bot.speaking.started':
        this.botSpeaking = true;
        // The bot is saying something else now: a late final would answer out of turn.
        this.unanswered = false;
        break;
      case 'bot.speaking.stopped':
        this.botSpeaking = false;
        this.bargeIn.botStopped();
        break;
      case 'user.speaking.started':
        this.userStarted();
        break;
      case 'user.speaking.stopped':
        this.userStopped();
        break;
      case 'user.speaking.paused':
        this.preemptive.paused();
        break;
      case 'transcript.interim':
        this.interim = frame.text;
        this.wordsChanged();
        break;
      case 'transcript.final':
        if (this.isLate()) {
          this.lateFinal(frame.text);
          break;
        }
        this.text.push(frame.text);
        this.interim = '';
        this.wordsChanged();
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
    this.holding?.timer.cancel();
    this.bargeIn.stop();
  }

  private userStarted(): void {
    this.userSpeaking = true;
    this.preemptive.speechStarted();
    this.unanswered = false;
    this.waitingForFinal?.cancel();
    this.waitingForFinal = undefined;
    if (this.holding) {
      // The user went on after a mid-sentence pause: same turn, its words so far are kept.
      this.holding.timer.cancel();
      this.holding = undefined;
      return;
    }
    // Over a silent bot any speech is a turn; over a speaking one, BargeIn decides.
    if (this.botSpeaking) this.bargeIn.speechStarted(this.settings);
    else this.interrupt('user started speaking');
  }

  private wordsChanged(): void {
    if (this.userSpeaking && !this.counts) this.bargeIn.wordsHeard(this.spokenSoFar());
    this.preemptive.wordsChanged();
  }

  private spokenSoFar(): string {
    return [...this.text, this.interim].join(' ').replace(/\s+/g, ' ').trim();
  }

  private userStopped(): void {
    this.userSpeaking = false;
    this.bargeIn.speechEnded(this.counts);
    if (!this.counts) {
      // Speech that never qualified as a barge-in: the bot goes on, the words are dropped.
      this.text = [];
      this.interim = '';
      this.preemptive.withdraw();
      return;
    }
    if (this.text.length > 0) {
      this.endOfSpeech();
      return;
    }
    const { finalTimeoutMs } = this.settings;
    this.waitingForFinal = this.clock.setTimeout(() => this.finishTurn(), finalTimeoutMs);
  }

  /** The user is silent and there is text: end the turn, or (smart) hold an unfinished one open. */
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
    const extraMs = this.settings.incompleteExtraMs;
    this.logger.debug({ node: this.id, reason: verdict.reason, extraMs }, 'holding the turn open');
    // Tells observers that speech starting now continues this turn rather than opening a new one.
    this.pushMetric('endOfTurnHold', extraMs, { reason: verdict.reason });
    const timer = this.clock.setTimeout(() => this.finishTurn(), extraMs);
    this.holding = { timer, since: this.clock.now(), reason: verdict.reason };
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
      const why = 'dropped a final transcript that belongs to no open turn';
      this.logger.debug({ node: this.id, text }, why);
      this.pushMetric('lateTranscriptDropped', 1);
      return;
    }
    this.unanswered = false;
    this.text = [text];
    this.counts = true;
    this.endOfSpeech();
  }

  private interrupt(reason: string): void {
    this.bargeIn.interrupted();
    this.counts = true;
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
    this.preemptive.turnEnded(counted && content !== '');
    if (!content || !counted) return;
    this.conversation.add({ role: 'user', content });
    this.fitBudget();
    // How long the unfinished-sentence check kept the user's turn open, for the latency waterfall.
    if (held) {
      this.pushMetric('endOfTurnHoldMs', this.clock.now() - held.since, { reason: held.reason });
    }
    this.push(this.frame('llm.context', { messages: [...this.conversation.messages] }));
  }

  /**
   * Keeps the conversation within `contextBudgetTokens` before a request
   * (with `pending`, the user message about to be sent): older turns give way
   * to one note, in the conversation itself so the model, the logs and the
   * next request all see what was cut.
   */
  private fitBudget(pending?: ChatMessage): void {
    const messages = [...this.conversation.messages, ...(pending ? [pending] : [])];
    const previous = this.conversation.note;
    const plan = planTrim(messages, previous, this.settings);
    if (!plan) return;
    this.conversation.compact(plan.cut, plan.note);
    if (this.settings.contextStrategy === 'summarize') {
      // The local note is in place for this request; the graph's LLM writes the real summary
      // beside the conversation and swaps it in (LlmProcessor), so no turn waits for it.
      this.push(
        this.frame('context.summarize', {
          dropped: messages.slice(0, plan.cut).filter((m) => m.role !== 'system'),
          previous: noteBody(previous) || undefined,
          note: plan.note,
          maxChars: summaryMaxChars(this.settings),
        }),
      );
    }
    const { turns, tokensBefore, tokensAfter } = plan;
    const strategy = this.settings.contextStrategy;
    const detail = { turns, tokensBefore, tokensAfter, strategy };
    this.logger.info({ node: this.id, ...detail }, 'conversation trimmed to its context budget');
    // The newest turns are kept whole even so: a cut inside them would lose what is being answered.
    if (tokensAfter > this.settings.contextBudgetTokens)
      this.logger.warn({ node: this.id, tokensAfter }, 'the newest turns alone exceed the budget');
    this.pushMetric('contextTrimmedTurns', turns, detail);
  }
}
