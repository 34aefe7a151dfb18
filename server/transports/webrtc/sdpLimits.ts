/**
 * Cheap checks on a client's SDP offer before werift parses it: werift's parser is not
 * hardened against hostile input (huge or pathological SDP costs CPU, odd shapes throw from
 * deep inside), so anything outside what a browser ever sends is refused here with a message
 * the endpoint can return as a 400. A Chrome offer with audio, two video m-lines, a data
 * channel and candidates is ~5–8 kB and ~150 lines.
 */
export const SDP_LIMITS = {
  maxBytes: 64 * 1024,
  maxLines: 1000,
  maxMediaSections: 10,
  maxLineLength: 4096,
} as const;

/** Why `sdp` is not an acceptable offer, or undefined if it is. */
export function checkOfferSdp(sdp: unknown): string | undefined {
  if (typeof sdp !== 'string') return 'sdp must be a string';
  if (sdp.length === 0) return 'sdp is empty';
  // Length in UTF-16 units bounds the work before the byte count, which needs a scan.
  if (sdp.length > SDP_LIMITS.maxBytes || Buffer.byteLength(sdp) > SDP_LIMITS.maxBytes) {
    return `sdp is larger than ${SDP_LIMITS.maxBytes} bytes`;
  }
  const lines = sdp.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.length > SDP_LIMITS.maxLines) {
    return `sdp has more than ${SDP_LIMITS.maxLines} lines`;
  }
  if (lines[0] !== 'v=0') return 'sdp does not start with v=0';
  if (lines.some((line) => line.length > SDP_LIMITS.maxLineLength)) {
    return `sdp has a line longer than ${SDP_LIMITS.maxLineLength} characters`;
  }
  if (lines.some((line) => !/^[a-z]=/.test(line))) {
    return 'sdp has a line that is not <letter>=<value>';
  }
  const sections = mediaSections(lines);
  if (sections.length > SDP_LIMITS.maxMediaSections) {
    return `sdp has more than ${SDP_LIMITS.maxMediaSections} m-lines`;
  }
  const audio = sections.filter((s) => s.kind === 'audio');
  if (audio.length === 0) return 'offer has no audio m-line';
  if (!audio.some(hasOpus)) return 'offer has no Opus in its audio m-line';
  return undefined;
}

interface MediaSection {
  kind: string;
  /** Payload types listed on the m-line. */
  formats: string[];
  lines: string[];
}

function mediaSections(lines: string[]): MediaSection[] {
  const sections: MediaSection[] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) {
      // m=<media> <port> <proto> <fmt> ...
      const [kind = '', , , ...formats] = line.slice(2).split(' ');
      sections.push({ kind, formats, lines: [] });
    } else {
      sections.at(-1)?.lines.push(line);
    }
  }
  return sections;
}

/** Opus offered on a payload type that the m-line actually lists (`a=rtpmap:<pt> opus/48000/2`). */
function hasOpus(section: MediaSection): boolean {
  return section.lines.some((line) => {
    const match = /^a=rtpmap:(\d+) opus\/48000(\/\d+)?$/i.exec(line.trim());
    return match !== null && section.formats.includes(match[1]);
  });
}
