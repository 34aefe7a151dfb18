import { describe, expect, it } from 'vitest';
import { checkOfferSdp } from '../../../server/transports/webrtc/sdpLimits.ts';

/** The shape Chrome's SmallWebRTC client offers: audio + camera + screen + data channel. */
const chromeOffer = [
  'v=0',
  'o=- 4215803945331557441 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0 1 2 3',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS 5b3a1c0e-6a4f-4c7b-9a62-0b1d2c3e4f50',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1 1 udp 2122260223 3f1c2a5e-8d7b-4c1e-9f0a-1b2c3d4e5f60.local 54321 typ host',
  'a=ice-ufrag:AbCd',
  'a=ice-pwd:0123456789abcdefghijklmn',
  'a=ice-options:trickle',
  `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}`,
  'a=setup:actpass',
  'a=mid:0',
  'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  'a=sendrecv',
  'a=msid:5b3a1c0e-6a4f-4c7b-9a62-0b1d2c3e4f50 7d9e8f70-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
  'a=rtcp-mux',
  'a=rtcp-rsize',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:63 red/48000/2',
  'a=fmtp:63 111/111',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:110 telephone-event/48000',
  'a=rtpmap:126 telephone-event/8000',
  'a=ssrc:1001 cname:abcdefghijklmnop',
  'm=video 9 UDP/TLS/RTP/SAVPF 96 97',
  'c=IN IP4 0.0.0.0',
  'a=mid:1',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:96 VP8/90000',
  'a=rtpmap:97 rtx/90000',
  'a=fmtp:97 apt=96',
  'm=video 9 UDP/TLS/RTP/SAVPF 96',
  'c=IN IP4 0.0.0.0',
  'a=mid:2',
  'a=sendonly',
  'a=rtpmap:96 VP8/90000',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=mid:3',
  'a=sctp-port:5000',
  'a=max-message-size:262144',
  '',
].join('\r\n');

describe('checkOfferSdp (before werift parses an offer)', () => {
  it('accepts a Chrome-shaped offer, with CRLF or LF line ends', () => {
    expect(checkOfferSdp(chromeOffer)).toBeUndefined();
    expect(checkOfferSdp(chromeOffer.replaceAll('\r\n', '\n'))).toBeUndefined();
  });

  it.each([
    ['not a string', 42, /must be a string/],
    ['null', null, /must be a string/],
    ['empty', '', /empty/],
    ['over 64 kB', `${chromeOffer}a=x:${'y'.repeat(70_000)}\r\n`, /larger than 65536 bytes/],
    ['over 1000 lines', `${chromeOffer}${'a=x\r\n'.repeat(1000)}`, /more than 1000 lines/],
    ['no v=0', chromeOffer.replace('v=0', 'v=1'), /v=0/],
    ['garbage', 'hello world', /v=0/],
    ['a line that is not SDP', `${chromeOffer}<script>\r\n`, /not <letter>=<value>/],
    [
      'over 10 m-lines',
      `${chromeOffer}${'m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:x\r\n'.repeat(10)}`,
      /more than 10 m-lines/,
    ],
    ['no audio m-line', chromeOffer.replace('m=audio', 'm=video'), /no audio m-line/],
    [
      'no Opus in the audio m-line',
      chromeOffer.replace('a=rtpmap:111 opus/48000/2', 'a=rtpmap:111 ISAC/16000'),
      /no Opus/,
    ],
    [
      'Opus on a payload type the m-line does not list',
      chromeOffer.replace('SAVPF 111 63', 'SAVPF 63'),
      /no Opus/,
    ],
    ['a 5000-character line', `${chromeOffer}a=x:${'y'.repeat(5000)}\r\n`, /longer than 4096/],
  ])('refuses %s, naming the problem', (_name, sdp, message) => {
    expect(checkOfferSdp(sdp)).toMatch(message);
  });

  it('counts bytes, not characters', () => {
    // 34k characters, 68 kB of UTF-8.
    const wide = `${chromeOffer}${`a=x:${'é'.repeat(2000)}\r\n`.repeat(17)}`;
    expect(wide.length).toBeLessThan(64 * 1024);
    expect(checkOfferSdp(wide)).toMatch(/larger than/);
  });
});
