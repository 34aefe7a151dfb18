import { HOP_ORDER, type TurnHops } from '../metrics/TurnRecord.ts';
import type { RecordedEvent, RecordingMeta } from './RecordingFormat.ts';
import { canonicalArguments, NOT_IN_RECORDING } from './replayedTools.ts';

export interface ConversationToolCall {
  name: string;
  /** Canonical JSON (sorted keys). */
  arguments: string;
  /** What the tool answered; undefined when the turn ended before it did. */
  result?: string;
  isError: boolean;
  /** A replay asked for a call the recording has no answer for. */
  notInRecording: boolean;
}

/** One turn as the comparison sees it: what was heard and said, tools, timing. */
export interface ConversationTurn {
  /** 1-based, in order; 0 for what happened before the user first spoke (a greeting). */
  turn: number;
  /** Timeline ms the user started speaking; undefined for turn 0. */
  startMs?: number;
  heard: string;
  said: string;
  tools: ConversationToolCall[];
  interrupted: boolean;
  voiceToVoiceMs?: number;
  hops: TurnHops;
  interruptionMs?: number;
  errors: string[];
}

/**
 * A recording's conversation, turn by turn. Turns come from the turn records;
 * transcripts, bot text, tool calls and errors belong to the turn during which
 * they happened (from one user turn's start to the next's).
 */
export function conversationTurns(meta: RecordingMeta): ConversationTurn[] {
  const records = [...meta.turns].sort((a, b) => a.turn - b.turn);
  const turns: ConversationTurn[] = records.map((r, i) => ({
    turn: i + 1,
    startMs: r.userSpeechStartAt,
    heard: '',
    said: '',
    tools: [],
    interrupted: r.interrupted,
    voiceToVoiceMs: r.voiceToVoiceMs,
    hops: pickHops(r.hops),
    interruptionMs: r.interruptionMs,
    errors: [],
  }));
  const preamble: ConversationTurn = {
    turn: 0,
    heard: '',
    said: '',
    tools: [],
    interrupted: false,
    hops: {},
    errors: [],
  };
  const results = new Map<string, Extract<RecordedEvent, { kind: 'tool.result' }>>();
  for (const e of meta.events) if (e.kind === 'tool.result') results.set(e.callId, e);
  for (const event of meta.events) {
    const turn = turnAt(turns, event.atMs) ?? preamble;
    switch (event.kind) {
      case 'transcript':
        turn.heard = join(turn.heard, event.text);
        break;
      case 'bot.text':
        turn.said = join(turn.said, event.text);
        break;
      case 'tool.call': {
        const result = results.get(event.callId);
        turn.tools.push({
          name: event.name,
          arguments: canonicalArguments(event.arguments),
          result: result?.result,
          isError: result?.isError ?? false,
          notInRecording: result?.result.includes(NOT_IN_RECORDING) ?? false,
        });
        break;
      }
      case 'error':
        turn.errors.push(`${event.source}: ${event.message}`);
        break;
    }
  }
  const hasPreamble = preamble.said || preamble.heard || preamble.tools.length;
  return hasPreamble ? [preamble, ...turns] : turns;
}

/** The last turn that had started by `atMs`. */
function turnAt(turns: ConversationTurn[], atMs: number): ConversationTurn | undefined {
  let found: ConversationTurn | undefined;
  for (const t of turns) if (t.startMs !== undefined && t.startMs <= atMs) found = t;
  return found;
}

function pickHops(hops: TurnHops): TurnHops {
  const out: TurnHops = {};
  for (const name of HOP_ORDER) if (hops[name] !== undefined) out[name] = hops[name];
  return out;
}

function join(a: string, b: string): string {
  return a ? `${a} ${b}` : b;
}
