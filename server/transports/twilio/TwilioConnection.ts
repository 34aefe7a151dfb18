import type { WebSocket } from 'ws';
import { type Frame, type Logger, muLawDecode } from '#engine';
import { SLOW_READER_EVENT } from '../../net/sendBounded.ts';
import type { Session } from '../../sessions/Session.ts';
import type { SessionManager } from '../../sessions/SessionManager.ts';
import { isValidGraphName } from '../../store/graphName.ts';
import { AudioRateConverter } from '../AudioRateConverter.ts';
import { DropOldestQueue } from '../DropOldestQueue.ts';
import { excerpt } from '../logExcerpt.ts';
import { openTransportSession } from '../openTransportSession.ts';
import { type CutReply, capAssistantReply } from './capAssistantReply.ts';
import { capGreeting } from './greeting.ts';
import { ProtocolProblems } from './ProtocolProblems.ts';
import { SpokenMarks } from './SpokenMarks.ts';
import type { StreamTickets } from './StreamTickets.ts';
import { TwilioOutbound } from './TwilioOutbound.ts';
import { decodeMediaPayload, parseTwilioMessage, type TwilioStart } from './twilioMessages.ts';

export const TWILIO_TRANSPORT = 'twilio-media-stream';
/** Phone audio: G.711 μ-law, 8 kHz mono, both ways. */
export const PHONE_RATE = 8000;
export const DEFAULT_GREETING =
  'Hello! You are talking to Parley. Ask me about the weather anywhere.';

export interface TwilioConnectionOptions {
  sessions: SessionManager;
  logger: Logger;
  tickets: StreamTickets;
  /** When auth is on, `start` must carry a ticket minted by the voice webhook. */
  requireTicket: boolean;
  defaultGraph: string;
  /** Said when the call connects unless the webhook passed `greeting` (empty = none); both capped to MAX_GREETING_CHARS. */
  greeting: string;
  /** A stream that has not sent a valid `start` by then is closed. */
  startTimeoutMs?: number;
}

/** Media that arrives while the graph is still loading waits, up to ~5 s of 20 ms frames, ... */
const MAX_EARLY_FRAMES = 250;
/** ... and 5 s of samples in all: a sender may pack far more than 20 ms into one message. */
const MAX_EARLY_SAMPLES = 5 * PHONE_RATE;

/**
 * One phone call on `/telephony/twilio/stream` (Twilio Media Streams,
 * bidirectional). Caller audio (base64 μ-law 8 kHz) becomes `audio.in` at
 * 8 kHz — VAD and STT resample internally. Bot audio leaving transport.output,
 * already paced in real time, is resampled to 8 kHz, μ-law encoded and sent as
 * `media` with the streamSid; a `mark` follows each spoken segment so Twilio
 * tells us what the caller heard, and an `interrupt` sends `clear` so
 * Twilio drops its buffer at once — then the cut reply in the conversation is
 * shortened to what the marks say was heard. Malformed messages are logged
 * (ProtocolProblems) and ignored; they never end the call.
 */
export class TwilioConnection {
  private session: Session | undefined;
  private streamSid: string | undefined;
  private closed = false;
  /** Caller audio that arrived before the graph had started. */
  private readonly early = new DropOldestQueue<Int16Array>(
    MAX_EARLY_FRAMES,
    MAX_EARLY_SAMPLES,
    (samples) => samples.length,
  );
  private readonly outbound = new AudioRateConverter(PHONE_RATE);
  private readonly marks = new SpokenMarks();
  private readonly startTimer: NodeJS.Timeout;
  /** Set on `start`: all we send goes through it (slow-reader rule). */
  private toTwilio: TwilioOutbound | undefined;
  /** The reply a barge-in cut, until the next reply starts: what the caller heard of it caps the conversation. */
  private cutReply: CutReply | undefined;
  private logger: Logger;
  private problems: ProtocolProblems;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: TwilioConnectionOptions,
  ) {
    this.logger = options.logger.child({ transport: TWILIO_TRANSPORT });
    this.problems = new ProtocolProblems(this.logger);
    ws.on('message', (data, isBinary) => {
      if (isBinary) this.problems.report('binary');
      else
        this.onText(
          Buffer.isBuffer(data)
            ? data.toString('utf8')
            : Buffer.concat(data as Buffer[]).toString('utf8'),
        );
    });
    ws.on('close', () => this.shutdown('caller hung up'));
    // The socket closes when Twilio reads up to the close frame — maybe never; the graph stops now.
    ws.once(SLOW_READER_EVENT, () => this.shutdown('twilio stopped reading'));
    this.startTimer = setTimeout(() => {
      if (!this.streamSid) this.fail(1008, 'no valid start message');
    }, options.startTimeoutMs ?? 10_000);
  }

  private onText(text: string): void {
    if (this.closed) return;
    const parsed = parseTwilioMessage(text);
    if (!parsed.ok) {
      this.problems.report(parsed.kind, parsed.detail);
      return;
    }
    const message = parsed.message;
    if (message.event !== 'connected' && message.event !== 'start' && !this.streamSid) {
      this.problems.report('beforeStart', { event: message.event });
      return;
    }
    switch (message.event) {
      case 'connected':
        return;
      case 'start':
        this.onStart(message.start);
        return;
      case 'media':
        // With <Connect><Stream> only the inbound track is streamed; be strict anyway.
        if (message.media.track && message.media.track !== 'inbound') return;
        this.onMedia(message.media.payload);
        return;
      case 'mark': {
        const played = this.marks.played(message.mark.name);
        if (played)
          this.logger.debug(
            {
              mark: message.mark.name,
              text: excerpt(played.text),
              audioMs: Math.round(played.audioMs),
            },
            'twilio played segment',
          );
        else this.problems.report('unknownMark', { mark: message.mark.name });
        return;
      }
      case 'dtmf':
        // Logged only: a keypress is not speech, and feeding "5" to an LLM as the user's words would mislead it.
        this.logger.info({ digit: excerpt(message.dtmf.digit, 8) }, 'dtmf');
        return;
      case 'stop':
        this.session?.close('call ended');
        this.ws.close(1000, 'call ended');
        this.shutdown('call ended');
        return;
    }
  }

  private onStart(start: TwilioStart): void {
    if (this.streamSid) {
      this.problems.report('secondStart'); // Twilio sends one start per stream
      return;
    }
    const params = start.customParameters ?? {};
    if (this.options.requireTicket && !this.options.tickets.redeem(params.ticket)) {
      this.fail(1008, 'stream ticket missing, used or expired');
      return;
    }
    const graph = params.graph ?? this.options.defaultGraph;
    if (!isValidGraphName(graph)) {
      this.fail(1008, 'invalid graph name');
      return;
    }
    if (
      start.mediaFormat &&
      (start.mediaFormat.encoding !== 'audio/x-mulaw' ||
        start.mediaFormat.sampleRate !== PHONE_RATE)
    ) {
      this.fail(
        1003,
        `unsupported media format ${excerpt(start.mediaFormat.encoding, 40)}/${start.mediaFormat.sampleRate}`,
      );
      return;
    }
    clearTimeout(this.startTimer);
    this.streamSid = start.streamSid;
    this.toTwilio = new TwilioOutbound(this.ws, start.streamSid);
    this.logger = this.logger.child({ callSid: start.callSid, streamSid: start.streamSid });
    void this.open(graph, capGreeting(params.greeting ?? this.options.greeting));
  }

  private async open(graph: string, greeting: string): Promise<void> {
    const session = await openTransportSession({
      sessions: this.options.sessions,
      graph,
      transport: TWILIO_TRANSPORT,
      // Close reasons are limited to 123 bytes.
      close: (reason) => this.ws.close(1000, reason.slice(0, 120)),
      logger: this.logger,
      isClosed: () => this.closed,
      onStartFailed: (problem) => this.fail(problem.closeCode, problem.message),
      onEnded: (reason) => this.shutdown(reason),
      abandonReason: 'caller hung up while starting',
    });
    if (!session) return;
    this.session = session;
    session.on('frame', this.onGraphFrame);
    session.on('output', this.onGraphOutput);
    session.runner.onUpstream(this.onGraphUpstream);
    if (greeting) this.greet(session, greeting);
    for (const samples of this.early.drain())
      session.push(
        session.runner.createFrame('audio.in', { audio: samples, sampleRate: PHONE_RATE }),
      );
  }

  /**
   * Speaking first: the engine has no "say this" frame, so the greeting enters
   * as a reply of the bot — the frames an LLM emits — pushed at the input. It
   * flows past VAD/STT/LLM untouched, is split, spoken and paced like any
   * answer, dies with a barge-in, and the assistant aggregator writes it into
   * the conversation as heard.
   */
  private greet(session: Session, text: string): void {
    const runner = session.runner;
    session.push(runner.createFrame('llm.response.start', {}));
    session.push(runner.createFrame('llm.text', { text }));
    session.push(runner.createFrame('llm.response.end', {}));
  }

  private onMedia(payload: string): void {
    const bytes = decodeMediaPayload(payload);
    if (!bytes) {
      this.problems.report('badMediaPayload');
      return;
    }
    const samples = muLawDecode(bytes);
    if (samples.length === 0) return;
    const session = this.session;
    if (session) {
      session.push(
        session.runner.createFrame('audio.in', { audio: samples, sampleRate: PHONE_RATE }),
      );
      return;
    }
    this.early.push(samples);
  }

  /**
   * Barge-in: `clear` goes out synchronously, in the same tick the interrupt
   * frame is created (system frames cross the graph synchronously), so
   * Twilio drops its buffer as early as we can know.
   */
  private readonly onGraphFrame = (frame: Frame): void => {
    if (frame.type !== 'interrupt') return;
    const now = performance.now();
    this.toTwilio?.clear();
    this.outbound.reset();
    this.cutReply = this.marks.clear(now);
    this.capCutReply();
    this.logger.debug(
      { reason: frame.reason, heard: this.cutReply?.heard },
      'barge-in: cleared twilio buffer',
    );
  };

  /**
   * transport.output reports what it played (`bot.spoken`) up the graph to the
   * assistant aggregator, possibly after queued work; once that report has
   * passed (it leaves the graph at transport.input), the marks' word wins.
   */
  private readonly onGraphUpstream = (frame: Frame): void => {
    if (frame.type === 'bot.spoken' && !this.closed) this.capCutReply();
  };

  private capCutReply(): void {
    const session = this.session;
    if (!session || !this.cutReply) return;
    if (capAssistantReply(session.runner.session.conversation, this.cutReply)) {
      this.logger.debug(
        { heard: this.cutReply.heard },
        'conversation cut to what the caller heard',
      );
    }
  }

  private readonly onGraphOutput = (frame: Frame): void => {
    switch (frame.type) {
      case 'llm.response.start':
        this.marks.beginReply();
        this.cutReply = undefined;
        return;
      case 'audio.out':
        this.marks.addAudio((frame.audio.length / frame.sampleRate) * 1000);
        this.outbound.convert(frame.audio, frame.sampleRate, this.sendAudio);
        return;
      case 'tts.text':
        this.sendMark(this.marks.begin(frame.text));
        return;
      case 'bot.speaking.stopped':
        this.sendMark(this.marks.end());
        return;
      default:
        return;
    }
  };

  /** The mark follows the segment's last sample, which may still be in the resampler's queue. */
  private sendMark(name: string | undefined): void {
    if (name) this.outbound.after(() => this.toTwilio?.mark(name));
  }

  private readonly sendAudio = (samples: Int16Array): void => {
    this.toTwilio?.media(samples);
  };

  private fail(code: number, reason: string): void {
    this.logger.warn({ code, reason: excerpt(reason) }, 'twilio stream refused');
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(code, reason.slice(0, 120));
    this.shutdown(reason);
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.startTimer);
    this.early.drain();
    this.outbound.destroy();
    this.session?.off('frame', this.onGraphFrame);
    this.session?.off('output', this.onGraphOutput);
    this.session?.close(reason);
  }
}
