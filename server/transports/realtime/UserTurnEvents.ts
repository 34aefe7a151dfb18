import type { FrameOf } from '#engine';
import type { RealtimeEventSender } from './RealtimeEventSender.ts';
import type { RealtimeItem, RealtimeItems } from './RealtimeItems.ts';

/**
 * The user's side of the conversation in Realtime terms: the graph's VAD and
 * STT frames become `input_audio_buffer.speech_started/stopped/committed`,
 * a user message item (`conversation.item.added`), and its transcript
 * (`…input_audio_transcription.completed`, `conversation.item.done`).
 * Times are on the Realtime clock: milliseconds of audio the client has
 * appended, so `audio_start_ms` points into what the client sent.
 */
export class UserTurnEvents {
  private appendedMs = 0;
  private turn: { id: string; transcript: string } | undefined;

  constructor(
    private readonly events: RealtimeEventSender,
    private readonly items: RealtimeItems,
    /** The graph's clock, to tell how long ago the VAD says speech started or ended. */
    private readonly now: () => number,
  ) {}

  appended(durationMs: number): void {
    this.appendedMs += durationMs;
  }

  speechStarted(frame: FrameOf<'user.speaking.started'>): void {
    const itemId = this.events.id('item');
    this.turn = { id: itemId, transcript: '' };
    this.events.send({
      type: 'input_audio_buffer.speech_started',
      audio_start_ms: this.audioMsAt(frame.speechStartedAt),
      item_id: itemId,
    });
  }

  speechStopped(frame: FrameOf<'user.speaking.stopped'>): void {
    const turn = this.turn ?? { id: this.events.id('item'), transcript: '' };
    this.turn = turn;
    this.events.send({
      type: 'input_audio_buffer.speech_stopped',
      audio_end_ms: this.audioMsAt(frame.speechEndedAt),
      item_id: turn.id,
    });
    const item = userItem(turn.id, null);
    const previous = this.items.put(item);
    this.events.send({
      type: 'input_audio_buffer.committed',
      previous_item_id: previous,
      item_id: turn.id,
    });
    this.events.send({ type: 'conversation.item.added', previous_item_id: previous, item });
  }

  transcript(text: string): void {
    const turn = this.turn;
    if (!turn) return;
    turn.transcript = `${turn.transcript} ${text}`.trim();
    const item = userItem(turn.id, turn.transcript);
    this.items.put(item);
    this.events.send({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: turn.id,
      content_index: 0,
      transcript: turn.transcript,
      usage: { type: 'duration', seconds: 0 },
    });
    this.events.send({ type: 'conversation.item.done', previous_item_id: null, item });
  }

  /** A graph time as a position in the appended audio (the VAD reports speech after hearing it). */
  private audioMsAt(graphTime: number | undefined): number {
    const lagMs = graphTime === undefined ? 0 : Math.max(0, this.now() - graphTime);
    return Math.max(0, Math.round(this.appendedMs - lagMs));
  }
}

function userItem(id: string, transcript: string | null): RealtimeItem {
  return {
    id,
    object: 'realtime.item',
    type: 'message',
    role: 'user',
    status: 'completed',
    content: [{ type: 'input_audio', transcript }],
  };
}
