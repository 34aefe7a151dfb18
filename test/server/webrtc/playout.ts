import type { RtpPacket } from 'werift';

/** One received bot packet: its RTP numbering, when it arrived (ms) and whether it spoke. */
export interface Arrival {
  sequenceNumber: number;
  timestamp: number;
  at: number;
  speech: boolean;
}

export interface PlayoutReport {
  /** Packets' worth of media inside the bot's talk spurts, ms. */
  speechMs: number;
  /** Of it, ms the listener got concealment instead of audio: lost or too late to play. */
  gapMs: number;
  lostMs: number;
  lateMs: number;
  /** Longest run of consecutive concealed packets inside a talk spurt, ms. */
  longestGapMs: number;
  /**
   * Not the network: media time the server's sender skipped after its event loop stalled
   * (the RTP timestamp jumps, the sequence number does not), and the longest such skip.
   */
  stalledMs: number;
  longestStallMs: number;
}

const FRAME_MS = 20;
const FRAME_TICKS = 960; // 20 ms at Opus's 48 kHz RTP clock
/** Speech frames closer than this belong to one talk spurt (pauses between sentences). */
const SPURT_JOIN_MS = 1000;

/**
 * Encoded speech is tens of bytes a frame; the sender's idle frames (the constant silence
 * frame, and encoded zeros while fading out) are a few.
 */
export function isSpeechPayload(payload: Buffer): boolean {
  return payload.length > 10;
}

export function arrivalsOf(rtp: readonly RtpPacket[], at: readonly number[]): Arrival[] {
  return rtp.map((p, i) => ({
    sequenceNumber: p.header.sequenceNumber,
    timestamp: p.header.timestamp,
    at: at[i],
    speech: isSpeechPayload(p.payload),
  }));
}

/**
 * What a listener with a fixed-delay jitter buffer hears of the bot: a packet whose media
 * starts at t ms plays at anchor + t + delayMs, where the anchor is the earliest any packet
 * could have been expected (the least-delayed one), as a buffer that has settled on the
 * path's delay would. A packet missing, or arriving after its play time, is a gap (the
 * browser conceals it). Packets are counted by sequence number, so a jump of the RTP
 * timestamp alone (the sender skipping ticks after a stall) is reported apart, as the
 * server's, not the network's. Only talk spurts count: a gap in the bot's silence is
 * inaudible.
 */
export function playout(arrivals: readonly Arrival[], delayMs: number): PlayoutReport {
  const report: PlayoutReport = {
    speechMs: 0,
    gapMs: 0,
    lostMs: 0,
    lateMs: 0,
    longestGapMs: 0,
    stalledMs: 0,
    longestStallMs: 0,
  };
  if (arrivals.length === 0) return report;
  const { sequenceNumber: seq0, timestamp: ts0 } = arrivals[0];
  // Signed differences from the first packet: wraps of both counters are followed.
  const packets = new Map<number, { mediaMs: number; at: number; speech: boolean }>();
  for (const a of arrivals) {
    const s = (((a.sequenceNumber - seq0) << 16) >> 16) as number;
    const mediaMs = (((a.timestamp - ts0) | 0) / FRAME_TICKS) * FRAME_MS;
    if (!packets.has(s)) packets.set(s, { mediaMs, at: a.at, speech: a.speech }); // once
  }
  let anchor = Number.POSITIVE_INFINITY;
  for (const p of packets.values()) anchor = Math.min(anchor, p.at - p.mediaMs);
  const speech = [...packets].filter(([, p]) => p.speech).map(([s]) => s);
  speech.sort((a, b) => a - b);
  const joinPackets = SPURT_JOIN_MS / FRAME_MS;
  let run = 0;
  for (let i = 0; i < speech.length; i++) {
    // Every packet from this speech packet up to the next one in the same spurt.
    const joined = i + 1 < speech.length && speech[i + 1] - speech[i] <= joinPackets;
    const end = joined ? speech[i + 1] : speech[i] + 1;
    for (let s = speech[i]; s < end; s++) {
      report.speechMs += FRAME_MS;
      const packet = packets.get(s);
      const late = packet !== undefined && packet.at > anchor + packet.mediaMs + delayMs;
      if (packet && !late) {
        run = 0;
        continue;
      }
      report.gapMs += FRAME_MS;
      if (packet) report.lateMs += FRAME_MS;
      else report.lostMs += FRAME_MS;
      run += FRAME_MS;
      report.longestGapMs = Math.max(report.longestGapMs, run);
    }
    if (!joined) run = 0; // a gap never spans two spurts
    if (joined) {
      // Media time between the two speech packets beyond one frame per sequence number.
      const a = packets.get(speech[i])!;
      const b = packets.get(speech[i + 1])!;
      const skipped = b.mediaMs - a.mediaMs - (speech[i + 1] - speech[i]) * FRAME_MS;
      if (skipped > 0) {
        report.stalledMs += skipped;
        report.longestStallMs = Math.max(report.longestStallMs, skipped);
      }
    }
  }
  return report;
}
