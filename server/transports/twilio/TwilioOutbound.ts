import type { WebSocket } from 'ws';
import { muLawEncode } from '#engine';
import { sendBounded } from '../../net/sendBounded.ts';
import type { TwilioOutboundMessage } from './twilioMessages.ts';

/**
 * How far behind Twilio may fall in reading what we send. Bot audio is
 * paced in real time and is ~11 KB/s as base64 μ-law JSON, so 1 MB is about
 * 90 s of unplayed audio: no live call is that far behind, only a stream
 * that stopped reading.
 */
export const TWILIO_MAX_SEND_BACKLOG_BYTES = 1024 * 1024;

/**
 * Everything we send on one media stream — bot audio, marks, `clear` — goes
 * through here, so the slow-reader rule holds for all of it: past the
 * backlog limit the stream is dropped (close 4503, sendBounded) rather than
 * buffered without bound.
 */
export class TwilioOutbound {
  constructor(
    private readonly ws: WebSocket,
    private readonly streamSid: string,
  ) {}

  /** Samples at 8 kHz, μ-law encoded. */
  media(samples: Int16Array): void {
    this.send({
      event: 'media',
      streamSid: this.streamSid,
      media: { payload: Buffer.from(muLawEncode(samples)).toString('base64') },
    });
  }

  mark(name: string): void {
    this.send({ event: 'mark', streamSid: this.streamSid, mark: { name } });
  }

  /** Twilio drops the audio it buffered. */
  clear(): void {
    this.send({ event: 'clear', streamSid: this.streamSid });
  }

  private send(message: TwilioOutboundMessage): void {
    sendBounded(this.ws, JSON.stringify(message), TWILIO_MAX_SEND_BACKLOG_BYTES);
  }
}
