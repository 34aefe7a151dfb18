import type { Frame } from '../core/frames.ts';
import type { GraphRunner, Hop } from '../graph/GraphRunner.ts';
import { RecentFrameIds } from '../graph/RecentFrameIds.ts';
import { TRANSPORT_INPUT, TRANSPORT_OUTPUT } from '../graph/validateGraph.ts';
import { LatencyObserver } from '../metrics/LatencyObserver.ts';
import type { TurnRecord } from '../metrics/TurnRecord.ts';
import {
  BOT_TRACK_FILE,
  RECORDING_FORMAT_VERSION,
  RECORDING_LIMITS,
  type RecordedEvent,
  type RecordedTurn,
  type Recording,
  USER_TRACK_FILE,
} from './RecordingFormat.ts';
import { TimelineTrack } from './TimelineTrack.ts';

export interface SessionRecorderInfo {
  /** The recording's id; also its directory name when the server writes it. */
  id: string;
  sessionId: string;
  transport: string;
  graphName: string;
  revision: string;
}

export interface SessionRecorderOptions {
  /** Audio and events past this much session time are dropped (the recording says so). Default 30 min. */
  maxDurationMs?: number;
}

const DEFAULT_MAX_DURATION_MS = 30 * 60 * 1000;
/**
 * Microphone chunks closer than this to the previous one's end are laid end
 * to end. Clients stream without pause, so a late chunk is a stall (network,
 * a busy event loop) and the graph heard the audio contiguous: inserting
 * silence there would change what a replay's recogniser hears. Only a longer
 * gap is taken for a client that really stopped sending.
 */
const USER_GAP_MS = 1000;
/** Paced bot audio arrives on time; a shorter gap is a real pause in playback. */
const BOT_GAP_MS = 60;

/**
 * Records one running graph: the user's audio as it enters from the transport,
 * the bot's audio as it leaves for it (paced, so at the moment it played), the
 * turn records, transcripts, bot text, tool calls and results, interruptions
 * and errors. It only copies what passes (never awaits on the audio path) and
 * holds at most `maxDurationMs` of audio. `finish()` stops it and returns the
 * recording, whatever state the session ended in.
 */
export class SessionRecorder {
  private readonly clock: { now(): number };
  private readonly startedAt: number;
  private readonly createdAt = new Date().toISOString();
  private readonly maxDurationMs: number;
  private readonly latency = new LatencyObserver();
  private readonly seen = new RecentFrameIds(4096);
  private readonly user: TimelineTrack;
  private readonly bot: TimelineTrack;
  private readonly events: RecordedEvent[] = [];
  private readonly turns: TurnRecord[] = [];
  private readonly notes: string[] = [];
  private readonly graphDocument: Record<string, unknown>;
  private endpointsOf: { doc: unknown; input?: string; output?: string } = { doc: undefined };
  private lastUserAudioId = -1;
  private eventsTruncated = false;
  private readonly stopObserving: () => void;
  private finished: Promise<Recording> | undefined;

  constructor(
    private readonly runner: GraphRunner,
    private readonly info: SessionRecorderInfo,
    options: SessionRecorderOptions = {},
  ) {
    this.clock = runner.session.clock;
    this.startedAt = this.clock.now();
    this.maxDurationMs = Math.min(
      options.maxDurationMs ?? DEFAULT_MAX_DURATION_MS,
      RECORDING_LIMITS.maxDurationMs,
    );
    const track = { maxMs: this.maxDurationMs, defaultSampleRate: 16000 };
    this.user = new TimelineTrack({ ...track, gapMs: USER_GAP_MS });
    this.bot = new TimelineTrack({ ...track, gapMs: BOT_GAP_MS });
    this.graphDocument = structuredClone(runner.graph) as unknown as Record<string, unknown>;
    this.latency.onTurn((turn) => this.turns.push(turn));
    this.stopObserving = runner.observeHops(this.observe);
  }

  /** Milliseconds since the recording started, on the session's clock. */
  now(): number {
    return this.clock.now() - this.startedAt;
  }

  /** Stops recording and assembles what was recorded. Idempotent. */
  finish(): Promise<Recording> {
    this.finished ??= this.assemble();
    return this.finished;
  }

  private readonly observe = (hop: Hop): void => {
    if (this.finished) return;
    this.latency.observe(hop);
    const { frame } = hop;
    const atMs = hop.at - this.startedAt;
    const { input, output } = this.endpoints();
    if (frame.type === 'audio.in') {
      // As the transport delivered it: later audio.in frames (a denoiser's) come from other nodes.
      if (hop.from === input && frame.id > this.lastUserAudioId) {
        this.lastUserAudioId = frame.id;
        this.user.add(frame.audio, frame.sampleRate, atMs);
      }
      return;
    }
    if (frame.type === 'audio.out') {
      if (hop.to === null && hop.direction === 'downstream' && hop.from === output)
        this.bot.add(frame.audio, frame.sampleRate, atMs);
      return;
    }
    const event = toEvent(frame, atMs);
    if (event.length === 0 || !this.seen.firstSighting(frame.id)) return;
    if (atMs > this.maxDurationMs || this.events.length >= RECORDING_LIMITS.maxEvents) {
      this.eventsTruncated = true;
      return;
    }
    this.events.push(...event);
  };

  /** The transport nodes' ids, looked up again only when a reload replaced the graph. */
  private endpoints(): { input?: string; output?: string } {
    const doc = this.runner.graph;
    if (this.endpointsOf.doc !== doc)
      this.endpointsOf = {
        doc,
        input: doc.nodes.find((n) => n.type === TRANSPORT_INPUT)?.id,
        output: doc.nodes.find((n) => n.type === TRANSPORT_OUTPUT)?.id,
      };
    return this.endpointsOf;
  }

  private async assemble(): Promise<Recording> {
    this.stopObserving();
    this.latency.flush();
    const durationMs = Math.min(
      Math.max(this.now(), this.user.durationMs, this.bot.durationMs),
      this.maxDurationMs,
    );
    const [user, bot] = await Promise.all([
      this.user.render(durationMs),
      this.bot.render(durationMs),
    ]);
    const truncated = this.user.truncated || this.bot.truncated || this.eventsTruncated;
    if (truncated)
      this.notes.push(`recorded up to ${Math.round(this.maxDurationMs / 1000)} s of the session`);
    if (JSON.stringify(this.runner.graph) !== JSON.stringify(this.graphDocument))
      this.notes.push(
        'the graph was reloaded or switched during the session; `graph` is the one it started on',
      );
    return {
      meta: {
        formatVersion: RECORDING_FORMAT_VERSION,
        id: this.info.id,
        createdAt: this.createdAt,
        durationMs: round(durationMs),
        session: { id: this.info.sessionId, transport: this.info.transport },
        graph: {
          name: this.info.graphName,
          revision: this.info.revision,
          document: this.graphDocument,
        },
        audio: {
          user: { file: USER_TRACK_FILE, sampleRate: user.sampleRate, durationMs: trackMs(user) },
          bot: { file: BOT_TRACK_FILE, sampleRate: bot.sampleRate, durationMs: trackMs(bot) },
          truncated,
        },
        turns: this.turns.map((turn) => this.onTimeline(turn)),
        events: this.events,
        notes: this.notes,
      },
      user,
      bot,
    };
  }

  /** A turn record with its clock times moved onto the recording's timeline. */
  private onTimeline(turn: TurnRecord): RecordedTurn {
    const rebase = (at?: number) => (at === undefined ? undefined : round(at - this.startedAt));
    return JSON.parse(
      JSON.stringify({
        ...turn,
        userSpeechStartAt: rebase(turn.userSpeechStartAt),
        userSpeechEndAt: rebase(turn.userSpeechEndAt),
      }),
    ) as RecordedTurn;
  }
}

function toEvent(frame: Frame, atMs: number): RecordedEvent[] {
  const at = round(atMs);
  switch (frame.type) {
    case 'transcript.final':
      return frame.text ? [{ kind: 'transcript', atMs: at, text: clip(frame.text) }] : [];
    case 'tts.text':
      return [{ kind: 'bot.text', atMs: at, text: clip(frame.text) }];
    case 'llm.tool.call':
      return frame.calls.map((call) => ({
        kind: 'tool.call' as const,
        atMs: at,
        callId: call.id,
        name: call.name,
        arguments: clip(call.arguments),
      }));
    case 'llm.tool.result':
      return [
        {
          kind: 'tool.result',
          atMs: at,
          callId: frame.callId,
          name: frame.name,
          result: clip(frame.result),
          isError: frame.isError,
        },
      ];
    case 'interrupt':
      return [{ kind: 'interrupt', atMs: at, reason: frame.reason }];
    case 'error':
      return [
        { kind: 'error', atMs: at, source: clip(frame.source), message: clip(frame.message) },
      ];
    default:
      return [];
  }
}

/** Over-long text is cut rather than making the recording unreadable. */
function clip(text: string): string {
  return text.length > RECORDING_LIMITS.maxTextChars
    ? text.slice(0, RECORDING_LIMITS.maxTextChars)
    : text;
}

function trackMs(track: { samples: Int16Array; sampleRate: number }): number {
  return round((track.samples.length / track.sampleRate) * 1000);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
