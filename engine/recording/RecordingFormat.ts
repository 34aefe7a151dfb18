import { z } from 'zod';

/**
 * The on-disk format of a recorded conversation, version 1 (docs/recording.md).
 * A recording is a directory: `recording.json` (this schema) beside two mono
 * PCM16 WAV tracks, `user.wav` and `bot.wav`, on one timeline that starts when
 * the session did. Every time in here is milliseconds on that timeline, so the
 * JSON, the tracks and a replay line up without any clock of the machine that
 * made them.
 *
 * The schema is the validation: a file that does not parse is refused with the
 * JSON path of the bad field. Bounds keep a hostile file from exhausting memory.
 */
export const RECORDING_FORMAT_VERSION = 1;

export const RECORDING_FILE = 'recording.json';
export const USER_TRACK_FILE = 'user.wav';
export const BOT_TRACK_FILE = 'bot.wav';

export const RECORDING_LIMITS = {
  /** A recording longer than this (either track, or the timeline) is refused: 4 hours. */
  maxDurationMs: 4 * 60 * 60 * 1000,
  maxTurns: 10_000,
  maxEvents: 200_000,
  maxTextChars: 100_000,
  /** recording.json itself, before parsing. */
  maxJsonBytes: 64 * 1024 * 1024,
} as const;

const ms = z
  .number()
  .finite()
  .min(-RECORDING_LIMITS.maxDurationMs)
  .max(RECORDING_LIMITS.maxDurationMs);
const text = z.string().max(RECORDING_LIMITS.maxTextChars);
const sampleRate = z.number().int().min(8000).max(192_000);

const hops = z.strictObject({
  vadEndOfSpeechMs: ms.optional(),
  sttFinalMs: ms.optional(),
  llmFirstTokenMs: ms.optional(),
  firstSentenceMs: ms.optional(),
  ttsFirstAudioMs: ms.optional(),
  firstAudioOutMs: ms.optional(),
});

/**
 * A turn record as the LatencyObserver builds it, with its two clock times
 * (`userSpeechStartAt`, `userSpeechEndAt`) moved onto the recording's timeline.
 * Fields the comparison does not read (usage, cost, …) pass through unchecked
 * beyond being JSON, so newer engines can add to a turn without a new format.
 */
export const recordedTurnSchema = z.looseObject({
  turn: z.number().int().min(0),
  userSpeechStartAt: ms.optional(),
  userSpeechEndAt: ms.optional(),
  hops,
  voiceToVoiceMs: ms.optional(),
  interrupted: z.boolean(),
  interruptionMs: ms.optional(),
  userText: text.optional(),
  tools: z
    .array(
      z.looseObject({
        name: text,
        startMs: ms,
        endMs: ms.optional(),
        isError: z.boolean().optional(),
      }),
    )
    .max(1000),
});

/** What happened in the conversation, in time order: what the comparison is built from. */
export const recordedEventSchema = z.discriminatedUnion('kind', [
  /** A final transcript of the user's speech. */
  z.strictObject({ kind: z.literal('transcript'), atMs: ms, text }),
  /** Text the bot was going to speak (sentences handed to TTS). */
  z.strictObject({ kind: z.literal('bot.text'), atMs: ms, text }),
  z.strictObject({
    kind: z.literal('tool.call'),
    atMs: ms,
    callId: text,
    name: text,
    /** JSON text exactly as the model produced it. */
    arguments: text,
  }),
  z.strictObject({
    kind: z.literal('tool.result'),
    atMs: ms,
    callId: text,
    name: text,
    /** What the model read: the tool's answer, or `{"error": …}`. */
    result: text,
    isError: z.boolean(),
  }),
  /** The user barged in: the bot's reply was aborted. */
  z.strictObject({ kind: z.literal('interrupt'), atMs: ms, reason: text }),
  z.strictObject({ kind: z.literal('error'), atMs: ms, source: text, message: text }),
]);

const track = z.strictObject({
  file: z.enum([USER_TRACK_FILE, BOT_TRACK_FILE]),
  sampleRate,
  durationMs: ms.min(0),
});

export const recordingSchema = z.strictObject({
  formatVersion: z.literal(RECORDING_FORMAT_VERSION),
  id: z.string().regex(/^[\w.-]{1,200}$/, 'letters, digits, _ . - only'),
  /** ISO time the session started. */
  createdAt: z.iso.datetime(),
  durationMs: ms.min(0),
  session: z.strictObject({ id: text, transport: text }),
  graph: z.strictObject({
    name: text,
    revision: text,
    /** The graph document the session ran, as validated at its start. */
    document: z.record(z.string(), z.unknown()),
  }),
  audio: z.strictObject({
    user: track,
    bot: track,
    /** The session outlived the recorder's duration cap: audio and events after it are missing. */
    truncated: z.boolean(),
  }),
  turns: z.array(recordedTurnSchema).max(RECORDING_LIMITS.maxTurns),
  events: z.array(recordedEventSchema).max(RECORDING_LIMITS.maxEvents),
  /** Anything a reader should know (a graph switched mid-session, frames at an unexpected rate). */
  notes: z.array(text).max(1000),
});

export type RecordingMeta = z.infer<typeof recordingSchema>;
export type RecordedTurn = z.infer<typeof recordedTurnSchema>;
export type RecordedEvent = z.infer<typeof recordedEventSchema>;

export interface AudioTrack {
  samples: Int16Array;
  sampleRate: number;
}

/** A recording in memory: its metadata and both tracks. */
export interface Recording {
  meta: RecordingMeta;
  user: AudioTrack;
  bot: AudioTrack;
}
