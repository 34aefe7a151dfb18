import type { Frame } from '../core/frames.ts';
import type { Hop } from '../graph/GraphRunner.ts';
import { type PriceLookup, priceUsage } from './prices.ts';
import { summarizeUsage, type UsageSummary } from './sessionUsage.ts';
import type { HopName, TurnRecord } from './TurnRecord.ts';
import { addUsageMetric, isUsageMetric } from './Usage.ts';

export interface LatencyObserverOptions {
  /** Prices each node's usage when its turn ends; without it turns carry usage but no cost. */
  prices?: PriceLookup;
}

/**
 * Watches every hop of a running graph and builds, per conversational turn, a
 * latency record: VAD end-of-speech delay, STT final, LLM first token, first
 * sentence, TTS first audio, first audio out, tool spans, voice-to-voice and,
 * on barge-in, how long the bot kept talking after the user started.
 *
 * A frame is attributed to the node that created it: only its first hop counts.
 */
export class LatencyObserver {
  readonly records: TurnRecord[] = [];
  private current: TurnRecord | undefined;
  private turnCount = 0;
  private botSpeaking = false;
  /** A turn whose reply was still playing when the next user turn began: it may yet be interrupted. */
  private playing: TurnRecord | undefined;
  private bargeInAt: number | undefined;
  /** The output paused the reply (user speech being judged): the user stopped hearing the bot then, not at the interrupt. */
  private outputPausedAt: number | undefined;
  /** The user-turn aggregator is holding this turn open for more words (smart end of turn). */
  private held: TurnRecord | undefined;
  private readonly seen = new Set<number>();
  private readonly listeners: Array<(record: TurnRecord) => void> = [];

  constructor(private readonly options: LatencyObserverOptions = {}) {}

  /** The finished turns' usage and cost summed, per node; `minutes` as `summarizeUsage` takes it. */
  sessionUsage(minutes?: number): UsageSummary {
    return summarizeUsage(this.records, minutes);
  }

  /** Called with each finished turn. */
  onTurn(listener: (record: TurnRecord) => void): void {
    this.listeners.push(listener);
  }

  /** Pass to `runner.observeHops()`. */
  readonly observe = (hop: Hop): void => {
    const { frame } = hop;
    if (hop.to === null && hop.direction === 'downstream') this.onLeave(frame, hop.from, hop.at);
    if (this.seen.has(frame.id)) return;
    if (!TRACKED.has(frame.type)) return;
    this.seen.add(frame.id);
    if (this.seen.size > 4096) this.seen.clear(); // ids only grow; old ones never come back
    this.onCreated(frame, hop.from, hop.at);
  };

  /** Emits the turns in progress, e.g. when the session ends. */
  flush(): void {
    if (this.playing) this.emit(this.playing);
    if (this.current) this.emit(this.current);
    this.playing = undefined;
    this.current = undefined;
  }

  private onCreated(frame: Frame, node: string, at: number): void {
    switch (frame.type) {
      case 'user.speaking.started': {
        if (this.resumesHeldTurn()) return;
        if (this.playing) this.emit(this.playing);
        this.playing = undefined;
        if (this.current && this.botSpeaking) this.playing = this.current;
        else if (this.current) this.emit(this.current);
        // The onset as heard: the VAD reaches back further than that for the recogniser.
        const start =
          frame.speechStartedAt === undefined ? at : frame.speechStartedAt + (frame.paddingMs ?? 0);
        this.current = {
          turn: ++this.turnCount,
          userSpeechStartAt: start,
          hops: {},
          nodes: {},
          ttfbMs: {},
          tools: [],
          interrupted: false,
        };
        return;
      }
      case 'user.speaking.stopped': {
        const turn = this.current;
        if (!turn) return;
        turn.userSpeechEndAt = frame.speechEndedAt ?? at;
        turn.hops = {};
        turn.nodes = {};
        this.hop('vadEndOfSpeechMs', node, at);
        return;
      }
      case 'transcript.final':
        this.hop('sttFinalMs', node, at, true);
        if (this.current)
          this.current.userText = [this.current.userText, frame.text].filter(Boolean).join(' ');
        return;
      case 'llm.context':
        this.held = undefined;
        if (this.current && this.current.userTurnEndMs === undefined)
          this.current.userTurnEndMs = this.since(at);
        return;
      case 'llm.text':
        this.hop('llmFirstTokenMs', node, at);
        return;
      case 'tts.text':
        this.hop('firstSentenceMs', node, at);
        return;
      case 'audio.out':
        this.hop('ttsFirstAudioMs', node, at);
        return;
      case 'llm.tool.call':
        for (const call of frame.calls)
          this.current?.tools.push({ name: call.name, startMs: this.since(at) ?? 0 });
        return;
      case 'llm.tool.result': {
        const span = this.current?.tools.find(
          (t) => t.name === frame.name && t.endMs === undefined,
        );
        if (span) Object.assign(span, { endMs: this.since(at), isError: frame.isError });
        return;
      }
      case 'metrics':
        for (const m of frame.metrics) {
          if (isUsageMetric(m)) this.addUsage(m);
          if (!this.current) break;
          if (m.name === 'ttfb') this.current.ttfbMs[m.source] ??= round(m.value);
          if (m.name === 'endOfTurnHold') this.held = this.current;
          if (m.name === 'endOfTurnHoldMs') this.current.endOfTurnHoldMs = round(m.value);
          if (m.name === 'llmPreemptiveWaitMs') this.current.llmPreemptiveWaitMs ??= round(m.value);
        }
        return;
      case 'interrupt':
        if (this.botSpeaking && this.playing)
          this.bargeInAt = this.current?.userSpeechStartAt ?? at;
        return;
    }
  }

  /**
   * The user paused mid-sentence and went on: the aggregator kept it one turn
   * (smart end of turn), so the record does too — its end of speech moves on.
   */
  private resumesHeldTurn(): boolean {
    const turn = this.current;
    if (!turn || this.held !== turn) return false;
    this.held = undefined;
    turn.userSpeechEndAt = undefined;
    return true;
  }

  /** Frames leaving the graph through the output: what the user actually hears. */
  private onLeave(frame: Frame, outputNode: string, at: number): void {
    if (
      frame.type === 'audio.out' &&
      this.current &&
      this.current.hops.firstAudioOutMs === undefined &&
      this.current.userSpeechEndAt !== undefined
    ) {
      this.hop('firstAudioOutMs', outputNode, at);
      this.current.voiceToVoiceMs = this.current.hops.firstAudioOutMs;
    } else if (frame.type === 'bot.speaking.started') {
      this.botSpeaking = true;
    } else if (frame.type === 'output.pause') {
      this.outputPausedAt = at;
    } else if (frame.type === 'output.resume') {
      this.onFalseInterruption(at);
    } else if (frame.type === 'bot.speaking.stopped') {
      this.botSpeaking = false;
      const silentSince = this.outputPausedAt ?? at;
      this.outputPausedAt = undefined;
      const playing = this.playing;
      if (playing) {
        this.playing = undefined;
        if (this.bargeInAt !== undefined) {
          playing.interrupted = true;
          if (this.current) this.current.interruptionMs = round(silentSince - this.bargeInAt);
        }
        this.bargeInAt = undefined;
        this.emit(playing);
      } else if (this.current?.hops.firstAudioOutMs !== undefined) {
        this.current.botSpeechEndMs = this.since(at);
        this.emit(this.current);
        this.current = undefined;
      }
    }
  }

  /**
   * The paused output played on: the speech that paused it was no barge-in.
   * It is counted on the reply's record, not as an interruption; once that
   * speech has ended its record is dropped and the reply is the current turn
   * again (a cough is not a turn). Speech still going on (the pause timed out)
   * keeps its record: it may yet interrupt.
   */
  private onFalseInterruption(at: number): void {
    const pausedAt = this.outputPausedAt;
    this.outputPausedAt = undefined;
    const reply = this.playing;
    if (!reply || pausedAt === undefined) return;
    reply.falseInterruptions = (reply.falseInterruptions ?? 0) + 1;
    reply.falseInterruptionPauseMs = round((reply.falseInterruptionPauseMs ?? 0) + at - pausedAt);
    if (this.current?.userSpeechEndAt === undefined) return;
    this.current = reply;
    this.playing = undefined;
    this.turnCount--; // the cough's turn number is given to the next real turn
  }

  private hop(name: HopName, node: string, at: number, overwrite = false): void {
    const turn = this.current;
    if (!turn || turn.userSpeechEndAt === undefined) return;
    if (turn.hops[name] !== undefined && !overwrite) return;
    turn.hops[name] = this.since(at);
    turn.nodes[name] = node;
  }

  private since(at: number): number | undefined {
    const end = this.current?.userSpeechEndAt;
    return end === undefined ? undefined : round(at - end);
  }

  /**
   * Usage goes to the turn in progress. A provider may report it after the
   * reply was heard out (its turn already emitted): then it joins that turn,
   * and its cost is brought up to date.
   */
  private addUsage(metric: Parameters<typeof addUsageMetric>[1]): void {
    const turn = this.current ?? this.playing ?? this.records.at(-1);
    if (!turn) return;
    turn.usage ??= {};
    addUsageMetric(turn.usage, metric);
    if (turn !== this.current && turn !== this.playing) this.price(turn);
  }

  private price(record: TurnRecord): void {
    const lookup = this.options.prices;
    if (lookup && record.usage) record.costUsd = priceUsage(record.usage, lookup);
  }

  private emit(record: TurnRecord): void {
    this.price(record);
    this.records.push(record);
    for (const listener of this.listeners) listener(record);
  }
}

const TRACKED = new Set([
  'user.speaking.started',
  'user.speaking.stopped',
  'transcript.final',
  'llm.context',
  'llm.text',
  'tts.text',
  'audio.out',
  'llm.tool.call',
  'llm.tool.result',
  'metrics',
  'interrupt',
]);

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
