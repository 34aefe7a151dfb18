/**
 * Frames: the unit of everything that flows through a graph.
 *
 * A frame is a small plain object: `type`, a process-wide increasing `id`, `at`
 * (monotonic ms when created) and a payload that depends on the type. What a
 * type *is* (system / control / data, dropped on interrupt or not) lives in one
 * table, `BUILT_IN_FRAME_SPECS` (plus any `registerFrameType()` adds), read
 * through `frameSpec()`, so behaviour is looked up, never spelled out in `if`s.
 */

export type FrameClass = 'system' | 'control' | 'data';

export interface FrameSpec {
  /** system frames jump every queue; control and data frames are processed in order. */
  readonly class: FrameClass;
  /** Whether a queued frame of this type belongs to the bot's response and so dies with an interrupt. */
  readonly dropOnInterrupt: boolean;
  readonly description: string;
}

export interface ChatToolCall {
  id: string;
  name: string;
  /** JSON text exactly as the model produced it. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ChatToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface Metric {
  /** e.g. 'ttfb', 'processing', 'llm.usage' */
  name: string;
  /** node id that measured it */
  source: string;
  /** milliseconds for durations; counts for usage */
  value: number;
  detail?: Record<string, number | string>;
}

/** Payload of every frame type the engine defines. */
interface BuiltInFramePayloads {
  start: { audioInSampleRate: number; audioOutSampleRate: number };
  cancel: { reason: string };
  interrupt: { reason: string };
  /** `speechStartedAt`: clock time the speech began in the audio (before the VAD's start delay). */
  'user.speaking.started': {
    speechStartedAt?: number;
    /** How much earlier than the heard onset `speechStartedAt` was put so the recogniser hears the start (ms); the onset is `speechStartedAt + paddingMs`. */
    paddingMs?: number;
  };
  /** `speechEndedAt`: clock time the speech ended in the audio (before the VAD's stop delay). */
  'user.speaking.stopped': { speechEndedAt?: number };
  /** The user has been silent for the VAD's `pauseMs`, shorter than its stop delay: the turn may be ending. */
  'user.speaking.paused': { speechEndedAt?: number };
  'bot.speaking.started': Record<string, never>;
  'bot.speaking.stopped': Record<string, never>;
  /**
   * Asks the output to go quiet but keep its queue: user speech may be a barge-in
   * or a cough, and the bot should not talk over it while that is decided.
   * Passes the output only if it paused something (a speaking bot).
   */
  'output.pause': { reason: string };
  /** The speech was no barge-in: the paused output plays on from where it stopped. Passes the output only if it was paused. */
  'output.resume': { reason: string };
  error: { message: string; source: string; fatal: boolean };
  metrics: { metrics: Metric[] };

  end: Record<string, never>;
  'llm.response.start': Record<string, never>;
  'llm.response.end': Record<string, never>;
  'tts.start': Record<string, never>;
  'tts.stop': Record<string, never>;
  'settings.update': { target: string; settings: Record<string, unknown> };

  'audio.in': { audio: Int16Array; sampleRate: number };
  'audio.out': { audio: Int16Array; sampleRate: number };
  'transcript.interim': { text: string };
  'transcript.final': { text: string };
  'text.input': { text: string };
  'llm.context': { messages: ChatMessage[] };
  /** Start the LLM on a turn that is not confirmed yet; its output is held until an `llm.context` with the same messages. */
  'llm.context.preemptive': { messages: ChatMessage[] };
  /** The preemptive request is moot (the user went on): cancel it. */
  'llm.context.discard': Record<string, never>;
  /**
   * Older turns were cut to fit a context budget and a local note stands in for them
   * (`note`): the LLM may write a real summary of `dropped` (and the `previous` note) in the
   * background and put it in the note's place, at most `maxChars` long.
   */
  'context.summarize': {
    dropped: ChatMessage[];
    previous?: string;
    note: string;
    maxChars: number;
  };
  'llm.text': { text: string };
  'llm.tool.call': { calls: ChatToolCall[] };
  'llm.tool.result': { callId: string; name: string; result: string; isError: boolean };
  'tts.text': { text: string };
  /** Upstream from the output: text whose audio has played; `complete: false` when cut by an interrupt. */
  'bot.spoken': { text: string; complete: boolean };
}

/**
 * Payload of every frame type. A program adds its own types by declaration
 * merging (`declare module '#engine' { interface FramePayloads { 'my.frame': … } }`)
 * plus `registerFrameType('my.frame', spec)` before the first such frame is made.
 */
export interface FramePayloads extends BuiltInFramePayloads {}

export type FrameType = keyof FramePayloads;

export type FrameOf<T extends FrameType> = { type: T; id: number; at: number } & FramePayloads[T];

/** Any frame: a discriminated union on `type`. */
export type Frame = { [K in FrameType]: FrameOf<K> }[FrameType];

const specs = new Map<string, FrameSpec>();

const BUILT_IN_FRAME_SPECS: Record<keyof BuiltInFramePayloads, FrameSpec> = {
  start: {
    class: 'system',
    dropOnInterrupt: false,
    description: 'Pipeline starts; carries the audio rates of the transport',
  },
  cancel: {
    class: 'system',
    dropOnInterrupt: false,
    description: 'Stop now: drop everything and release resources',
  },
  interrupt: {
    class: 'system',
    dropOnInterrupt: false,
    description: 'The user barged in: abort the bot response in flight',
  },
  'user.speaking.started': {
    class: 'system',
    dropOnInterrupt: false,
    description: 'VAD detected the start of user speech',
  },
  'user.speaking.stopped': {
    class: 'system',
    dropOnInterrupt: false,
    description: 'VAD detected the end of user speech',
  },
  'user.speaking.paused': {
    class: 'system',
    dropOnInterrupt: false,
    description: 'VAD heard a short silence: the turn may be ending',
  },
  'bot.speaking.started': {
    class: 'system',
    dropOnInterrupt: false,
    description: 'First bot audio of a response left the output',
  },
  'bot.speaking.stopped': {
    class: 'system',
    dropOnInterrupt: false,
    description: 'Bot audio output stopped',
  },
  'output.pause': {
    class: 'system',
    dropOnInterrupt: false,
    description: 'Hold bot audio (queue kept) while user speech is judged',
  },
  'output.resume': {
    class: 'system',
    dropOnInterrupt: false,
    description: 'Play the held bot audio on: the speech was no barge-in',
  },
  error: {
    class: 'system',
    dropOnInterrupt: false,
    description: 'A processor failed; travels upstream',
  },
  metrics: {
    class: 'system',
    dropOnInterrupt: false,
    description: 'Timing and usage measurements',
  },

  end: { class: 'control', dropOnInterrupt: false, description: 'Drain what is queued, then stop' },
  'llm.response.start': {
    class: 'control',
    dropOnInterrupt: true,
    description: 'An LLM response begins',
  },
  'llm.response.end': {
    class: 'control',
    dropOnInterrupt: true,
    description: 'An LLM response is complete',
  },
  'tts.start': {
    class: 'control',
    dropOnInterrupt: true,
    description: 'TTS audio for a response begins',
  },
  'tts.stop': {
    class: 'control',
    dropOnInterrupt: true,
    description: 'TTS audio for a response ends',
  },
  'settings.update': {
    class: 'control',
    dropOnInterrupt: false,
    description: 'Live configuration change for one node',
  },

  'audio.in': {
    class: 'data',
    dropOnInterrupt: false,
    description: 'Microphone audio (PCM s16 mono)',
  },
  'audio.out': { class: 'data', dropOnInterrupt: true, description: 'Bot audio (PCM s16 mono)' },
  'transcript.interim': {
    class: 'data',
    dropOnInterrupt: false,
    description: 'Partial transcript of user speech',
  },
  'transcript.final': {
    class: 'data',
    dropOnInterrupt: false,
    description: 'Final transcript of a user utterance',
  },
  'text.input': { class: 'data', dropOnInterrupt: false, description: 'Text typed by the user' },
  'llm.context': {
    class: 'data',
    dropOnInterrupt: true,
    description: 'Run the LLM on this conversation',
  },
  'llm.context.preemptive': {
    class: 'data',
    dropOnInterrupt: true,
    description: 'Start the LLM early on a turn not yet confirmed; output held back',
  },
  'llm.context.discard': {
    class: 'data',
    dropOnInterrupt: true,
    description: 'Cancel the preemptive LLM request',
  },
  'context.summarize': {
    class: 'data',
    // A barge-in cuts the reply, not the conversation's memory.
    dropOnInterrupt: false,
    description:
      'Turns cut to fit the context budget: the LLM may summarise them in the background',
  },
  'llm.text': { class: 'data', dropOnInterrupt: true, description: 'A chunk of LLM output text' },
  'llm.tool.call': {
    class: 'data',
    dropOnInterrupt: true,
    description: 'The LLM asked for tool calls',
  },
  'llm.tool.result': { class: 'data', dropOnInterrupt: true, description: 'A tool returned' },
  'tts.text': {
    class: 'data',
    dropOnInterrupt: true,
    description: 'Text (usually a sentence) to speak',
  },
  'bot.spoken': {
    class: 'data',
    dropOnInterrupt: false,
    description: 'Text whose audio has played (upstream)',
  },
};
for (const [type, spec] of Object.entries(BUILT_IN_FRAME_SPECS)) specs.set(type, spec);

/** Declares a frame type added by a plugin. Re-registering a type with a different spec is an error. */
export function registerFrameType(type: string, spec: FrameSpec): void {
  const existing = specs.get(type);
  if (
    existing &&
    (existing.class !== spec.class || existing.dropOnInterrupt !== spec.dropOnInterrupt)
  ) {
    throw new Error(`frame type '${type}' is already registered with a different spec`);
  }
  specs.set(type, spec);
}

export function frameSpec(type: string): FrameSpec {
  const spec = specs.get(type);
  if (!spec) throw new Error(`unknown frame type '${type}'`);
  return spec;
}

export function dropsOnInterrupt(frame: { type: string }): boolean {
  return frameSpec(frame.type).dropOnInterrupt;
}

let nextFrameId = 1;

/**
 * Creates a frame. `at` comes from the caller's clock so that tests on a
 * virtual clock see virtual times.
 */
export function createFrame<T extends FrameType>(
  type: T,
  payload: FramePayloads[T],
  at: number,
): FrameOf<T> {
  return { type, id: nextFrameId++, at, ...payload } as FrameOf<T>;
}
