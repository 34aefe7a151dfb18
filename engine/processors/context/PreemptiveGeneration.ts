import { normalizeWords } from '../../services/llm/PreemptiveResponse.ts';

/**
 * After a VAD pause, words that change within this long are the recogniser
 * catching up with speech already heard (partials lag the audio), so the
 * preemptive request is re-issued with them; later changes mean the user went
 * on, and it is only withdrawn.
 */
const PREEMPT_CATCH_UP_MS = 250;

/** What the helper needs from the user-turn aggregator that owns it. */
interface PreemptiveHost {
  now(): number;
  /** The words of the turn so far. */
  spokenSoFar(): string;
  /**
   * Whether a request on `words` could be the turn's answer now: preemptive
   * generation on, the user mid-turn, and the words not an unfinished sentence.
   */
  mayPreempt(words: string): boolean;
  /** Start the LLM on `words` (`llm.context.preemptive`). */
  startEarly(words: string): void;
  /** Cancel the early request (`llm.context.discard`). */
  discard(): void;
}

/**
 * Preemptive generation: when the VAD reports a pause (before its stop
 * delay), the LLM starts on the words so far and holds its answer until the
 * turn ends with the same words, else it is cancelled. Saves the model's
 * time to first token; costs a request per pause that was not the end.
 */
export class PreemptiveGeneration {
  /** The words a preemptive request was started on, until the turn ends or the words change. */
  private preempted: string | undefined;
  private pausedAt: number | undefined;

  constructor(private readonly host: PreemptiveHost) {}

  /** The VAD heard a short silence: the turn may be ending, so the LLM may start on it. */
  paused(): void {
    this.pausedAt = this.host.now();
    this.ask();
  }

  /** The user is speaking again: the pause is over. */
  speechStarted(): void {
    this.pausedAt = undefined;
  }

  /** New words since the request: it answers the wrong question; withdrawn now, not at turn end. */
  wordsChanged(): void {
    if (this.preempted === undefined) return;
    if (normalizeWords(this.host.spokenSoFar()) === normalizeWords(this.preempted)) return;
    this.withdraw();
    const sincePause = this.pausedAt === undefined ? undefined : this.host.now() - this.pausedAt;
    if (sincePause !== undefined && sincePause <= PREEMPT_CATCH_UP_MS) this.ask();
  }

  withdraw(): void {
    if (this.preempted === undefined) return;
    this.preempted = undefined;
    this.host.discard();
  }

  /**
   * The turn ended. One that goes to the LLM (`answered`) needs nothing more:
   * the LLM keeps a request for the same words and cancels any other.
   */
  turnEnded(answered: boolean): void {
    if (!answered) this.withdraw();
    this.preempted = undefined;
  }

  private ask(): void {
    const words = this.host.spokenSoFar();
    if (!words || words === this.preempted || !this.host.mayPreempt(words)) return;
    this.preempted = words;
    this.host.startEarly(words);
  }
}
