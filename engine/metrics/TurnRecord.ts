import type { TurnUsage } from './Usage.ts';

/**
 * One conversational turn's latency budget. Hop times are milliseconds after
 * the end of the user's speech (as heard in the audio, before the VAD's stop
 * delay), so a waterfall can be drawn from them directly.
 */
export interface TurnHops {
  /** The VAD's end-of-speech decision. */
  vadEndOfSpeechMs?: number;
  /** Final transcript out of the STT. */
  sttFinalMs?: number;
  /** First text token out of the LLM. */
  llmFirstTokenMs?: number;
  /** First complete sentence handed to TTS. */
  firstSentenceMs?: number;
  /** First audio out of the TTS. */
  ttsFirstAudioMs?: number;
  /** First bot audio handed to the transport. */
  firstAudioOutMs?: number;
}

export type HopName = keyof TurnHops;

export const HOP_ORDER: readonly HopName[] = [
  'vadEndOfSpeechMs',
  'sttFinalMs',
  'llmFirstTokenMs',
  'firstSentenceMs',
  'ttsFirstAudioMs',
  'firstAudioOutMs',
];

export interface ToolSpan {
  name: string;
  startMs: number;
  endMs?: number;
  isError?: boolean;
}

export interface TurnRecord {
  turn: number;
  /** The graph the session ran when the turn ended (set by the server; a session can switch graphs mid-conversation). */
  graph?: string;
  /** Clock times (ms). */
  userSpeechStartAt?: number;
  userSpeechEndAt?: number;
  hops: TurnHops;
  /** Which node produced each hop. */
  nodes: Partial<Record<HopName, string>>;
  /** Time-to-first-byte each service reported during the turn, by node id. */
  ttfbMs: Record<string, number>;
  tools: ToolSpan[];
  /** The user-turn aggregator closed the turn and asked the LLM (ms after end of speech): VAD wait, final text and any end-of-turn hold. */
  userTurnEndMs?: number;
  /** How long the smart end-of-turn check held an unfinished sentence open (ms). */
  endOfTurnHoldMs?: number;
  /**
   * Preemptive generation: how long the turn still waited for the LLM after it
   * was confirmed (the rest of the model's time to first token was spent
   * during the VAD's stop delay). Absent when the turn had no usable
   * preemptive request.
   */
  llmPreemptiveWaitMs?: number;
  /** First bot audio out − end of user speech. */
  voiceToVoiceMs?: number;
  /** The bot's reply was cut by the next user turn. */
  interrupted: boolean;
  /** On the turn that barged in: bot audio stopped − start of user speech. */
  interruptionMs?: number;
  /**
   * User speech that paused this reply and turned out to be no barge-in (a
   * cough; context.user `falseInterruption: 'pause'`): the reply played on.
   * Not counted as interruptions. Absent when there were none.
   */
  falseInterruptions?: number;
  /** How long those pauses held the reply, in total (ms). */
  falseInterruptionPauseMs?: number;
  /** Bot speech ended (ms after end of user speech). */
  botSpeechEndMs?: number;
  userText?: string;
  /** What each model, voice and recogniser node consumed during the turn, by node id. */
  usage?: TurnUsage;
  /** The turn's cost at the session's prices (USD): the priced nodes' `costUsd` summed. */
  costUsd?: number;
}
