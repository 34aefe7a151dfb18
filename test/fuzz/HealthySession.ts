/**
 * A well-behaved Pipecat client on the echo graph that keeps talking while
 * the fuzz runs on the same server: one `send-text` after another, and each
 * reply must arrive whole — the echoed text, bot-started/stopped-speaking and
 * the reply's audio (1.5 s of tone at the client's 24 kHz) — in time. A turn
 * that misses any of it is recorded with what was missing and when, so it
 * can be laid next to the cases that ran meanwhile.
 */
import { RawPipecatSocket } from '../server/helpers/RawPipecatSocket.ts';

/** The echo graph's reply (test/fixtures/graphs/echo.json: bot.replyMs). */
const REPLY_MS = 1500;
const CLIENT_RATE = 24000;
const EXPECTED_SAMPLES = (REPLY_MS / 1000) * CLIENT_RATE;
/** The edge resampler's filter delay and chunking shave a little off; a missing chunk (20 ms) is more than this. */
const MIN_SAMPLES = Math.round(EXPECTED_SAMPLES * 0.97);
/** Generous for a loaded CI box, short next to a frozen event loop. */
const FIRST_REPLY_TIMEOUT_MS = 3000;
const TURN_TIMEOUT_MS = REPLY_MS + 4000;
const GAP_BETWEEN_TURNS_MS = 250;

export interface HealthyTurn {
  n: number;
  text: string;
  sentAt: number;
  endedAt: number | undefined;
  problems: string[];
}

export class HealthySession {
  readonly turns: HealthyTurn[] = [];
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    readonly socket: RawPipecatSocket,
    readonly sessionId: string,
  ) {}

  static async start(wsUrl: string): Promise<HealthySession> {
    const socket = await RawPipecatSocket.open(`${wsUrl}/ws/pipecat?graph=echo`);
    const id = socket.rtvi('client-ready', {
      version: '2.1.0',
      about: { library: 'parley-fuzz-healthy-session' },
    });
    const ready = await socket.waitFor((m) => m.type === 'bot-ready' && m.id === id, 10_000);
    const about = ready.data?.about as { session_id?: unknown } | undefined;
    if (typeof about?.session_id !== 'string')
      throw new Error(`bot-ready carries no session id: ${JSON.stringify(ready.data)}`);
    const session = new HealthySession(socket, about.session_id);
    session.loop = session.talk();
    return session;
  }

  get failedTurns(): HealthyTurn[] {
    return this.turns.filter((t) => t.problems.length > 0);
  }

  /** Finishes the turn in progress, then stops talking (the connection stays open). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  close(): Promise<void> {
    this.stopping = true;
    return this.socket.close();
  }

  private async talk(): Promise<void> {
    for (let n = 1; !this.stopping && !this.socket.closed; n++) {
      await this.turn(n);
      await new Promise((r) => setTimeout(r, GAP_BETWEEN_TURNS_MS));
    }
  }

  private async turn(n: number): Promise<void> {
    const s = this.socket;
    const text = `healthy turn ${n}`;
    const from = s.messages.length;
    const audioFrom = s.audio.length;
    const turn: HealthyTurn = {
      n,
      text,
      sentAt: performance.now(),
      endedAt: undefined,
      problems: [],
    };
    this.turns.push(turn);
    const expectStep = async (
      what: string,
      match: (m: { type: string; data?: Record<string, unknown> }) => boolean,
      timeoutMs: number,
    ) => {
      try {
        await s.waitFor(match, timeoutMs, from);
        return true;
      } catch (error) {
        turn.problems.push(`no ${what}: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      }
    };
    const samples = () => s.audio.slice(audioFrom).reduce((sum, a) => sum + a.samples.length, 0);

    s.rtvi('send-text', { content: text });
    await expectStep(
      `bot-llm-text 'echo: ${text}'`,
      (m) => m.type === 'bot-llm-text' && m.data?.text === `echo: ${text}`,
      FIRST_REPLY_TIMEOUT_MS,
    );
    await expectStep(
      'bot-started-speaking',
      (m) => m.type === 'bot-started-speaking',
      FIRST_REPLY_TIMEOUT_MS,
    );
    if (
      await expectStep(
        'bot-stopped-speaking',
        (m) => m.type === 'bot-stopped-speaking',
        TURN_TIMEOUT_MS,
      )
    ) {
      // The last audio chunk passes the edge resampler around the time bot-stopped-speaking is sent.
      for (let waited = 0; waited < 1000 && samples() < MIN_SAMPLES; waited += 20)
        await new Promise((r) => setTimeout(r, 20));
    }
    if (samples() < MIN_SAMPLES)
      turn.problems.push(
        `reply audio cut short: ${samples()} samples at 24 kHz, expected ~${EXPECTED_SAMPLES}`,
      );
    for (const error of s.messages
      .slice(from)
      .filter((m) => m.type === 'error' || m.type === 'error-response'))
      turn.problems.push(`${error.type}: ${JSON.stringify(error.data)}`);
    turn.endedAt = performance.now();
  }
}
