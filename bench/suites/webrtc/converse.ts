/**
 * One user's conversation, measured where the user is (clients process): they ask, the bot
 * answers, and 800 ms into each answer they ask again, barging in — the latency suite's
 * script (latency/conversation.ts), but through a transport and timed at the client.
 *
 * - voice-to-voice: the end of the user's speech as sent (last voiced sample) → the first
 *   audible bot audio the client receives;
 * - interruption stop: onset of the barge-in speech → the end of the last audible bot audio
 *   the client plays before the bot falls quiet (chunks play back to back as they arrive,
 *   so audio sent ahead plays out too).
 */
import { ClientMic, type MicTicker, type Said } from './ClientMic.ts';
import type { Utterance } from './micPackets.ts';
import { ANSWER_GAP_MS, ReceivedAudio } from './ReceivedAudio.ts';
import { openClient, type Transport } from './voiceClients.ts';

export interface ConversationResult {
  /** Per turn; the first (warm-up) included, the caller drops it. */
  v2vMs: number[];
  interruptStopMs: number[];
  unanswered: number;
  errors: string[];
}

const BARGE_IN_AFTER_MS = 800;
const ANSWER_TIMEOUT_MS = 8000;
/** The bot is playing at the barge-in if audible audio ends no earlier than this before it. */
const PLAYING_SLACK_MS = 20;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function converse(
  transport: Transport,
  baseUrl: string,
  graph: string,
  ticker: MicTicker,
  utterances: Utterance[],
  silence: Uint8Array,
  turns: number,
): Promise<ConversationResult> {
  const { client } = await openClient(transport, baseUrl, graph, 'decode');
  const audio = new ReceivedAudio();
  client.onAudible = (at, ms) => audio.add(at, ms);
  const mic = new ClientMic(client, silence);
  ticker.members.add(mic);
  const v2vMs: number[] = [];
  const said: Said[] = [];
  let unanswered = 0;
  try {
    await sleep(300); // a moment of room tone, as a client connects before talking
    for (let i = 0; i < turns; i++) {
      const s = await mic.say(utterances[i % utterances.length]);
      said.push(s);
      const first = await audio.firstAfter(s.endAt, ANSWER_TIMEOUT_MS);
      if (!first) {
        unanswered++;
        await audio.quiet(500, ANSWER_TIMEOUT_MS);
        continue;
      }
      v2vMs.push(first.at - s.endAt);
      await sleep(BARGE_IN_AFTER_MS);
    }
    await audio.quiet(500, ANSWER_TIMEOUT_MS);
  } finally {
    ticker.members.delete(mic);
    await client.close();
  }
  const interruptStopMs = said.slice(1).flatMap((s) => interruptStop(audio, s.onsetAt) ?? []);
  return { v2vMs, interruptStopMs, unanswered, errors: client.errors };
}

/**
 * From the barge-in onset to the end of the last audible chunk before the bot's audio stops
 * (the next answer comes only after the user has finished). Undefined if the bot was not
 * playing at the onset.
 */
function interruptStop(audio: ReceivedAudio, onsetAt: number): number | undefined {
  const { chunks } = audio;
  const playing = chunks.findIndex((c) => c.playEnd >= onsetAt - PLAYING_SLACK_MS);
  if (playing < 0 || chunks[playing].at > onsetAt) return undefined;
  let last = playing;
  while (last + 1 < chunks.length && chunks[last + 1].at - chunks[last].playEnd < ANSWER_GAP_MS / 4)
    last++;
  return chunks[last].playEnd - onsetAt;
}
