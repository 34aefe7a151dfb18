import { readFileSync } from 'node:fs';
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { afterEach, describe, expect, it } from 'vitest';
import { OpusCodec } from '../../engine/audio/opus/OpusCodec.ts';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { Frame } from '../../engine/core/frames.ts';
import type { GraphDocument } from '../../engine/graph/GraphDocument.ts';
import { validateGraph } from '../../engine/graph/validateGraph.ts';
import { MoshiS2s, moshiSettings } from '../../engine/providers/moshi/MoshiS2s.ts';
import { decodeMessage, encodeMessage } from '../../engine/providers/moshi/moshiProtocol.ts';
import { OggOpusWriter, oggCrc32 } from '../../engine/providers/moshi/OggOpusWriter.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import { FakeMoshi, type MoshiReply, type MoshiSession } from '../fakes/FakeMoshi.ts';
import { waitFor } from './providerTestKit.ts';

const WORDS = [' Hello', ' there,', ' how', ' are', ' you?'];
const said = (frames: Frame[]) =>
  frames.flatMap((f) => (f.type === 'llm.text' ? [f.text] : [])).join('');
const audioAfter = (frames: Frame[], index: number) =>
  frames.slice(index).filter((f) => f.type === 'audio.out').length;

describe('MoshiS2s against the fake Moshi server', () => {
  let fake: FakeMoshi | undefined;
  let h: ProcessorHarness | undefined;
  afterEach(async () => {
    await h?.send(h.frame('cancel', { reason: 'test over' }));
    h = undefined;
    await fake?.stop();
    fake = undefined;
  });

  async function setUp(reply: MoshiReply, bargeIn = false) {
    fake = new FakeMoshi(reply);
    const url = await fake.start();
    const conversation = new ConversationContext();
    const s2s = new MoshiS2s('s2s', moshiSettings.parse({ url, bargeIn }), conversation);
    h = new ProcessorHarness(s2s);
    await h.start();
    await waitFor(undefined, () => s2s.isConnected);
    return { h, s2s, conversation, fake };
  }

  /** `ms` of a 16 kHz 300 Hz tone, in 20 ms frames, as a microphone would send it. */
  async function userSpeaks(harness: ProcessorHarness, ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 20) {
      const audio = new Int16Array(320);
      for (let i = 0; i < audio.length; i++)
        audio[i] = Math.round(8000 * Math.sin((2 * Math.PI * 300 * (t * 16 + i)) / 16000));
      await harness.send(harness.frame('audio.in', { audio, sampleRate: 16000 }));
    }
  }

  it('streams the user as Ogg/Opus, plays Moshi’s audio and turns its words into transcripts', async () => {
    const { h, conversation, fake } = await setUp({ words: WORDS });
    await userSpeaks(h, 400);
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 1);
    const session = fake.sessions[0]!;
    // What the fake decoded is the tone the test sent (24 kHz, minus the encoder's delay).
    expect(session.samples).toBeGreaterThan(24000 * 0.3);
    expect(session.peak).toBeGreaterThan(0.15);
    const audio = h.downstream('audio.out').flatMap((f) => (f.type === 'audio.out' ? [f] : []));
    expect(audio.every((f) => f.sampleRate === 24000)).toBe(true);
    const samples = audio.reduce((n, f) => n + f.audio.length, 0);
    expect(samples).toBeGreaterThan(24000 * 0.7); // 10 steps of 80 ms tone
    const peak = Math.max(...audio.map((f) => Math.max(...f.audio)));
    expect(peak).toBeGreaterThan(4000);
    expect(said(h.downstream())).toBe(WORDS.join(''));
    expect(conversation.messages).toEqual([
      { role: 'assistant', content: 'Hello there, how are you?' },
    ]);
    expect(h.downstream('llm.response.start')).toHaveLength(1);
    expect(h.upstream('error')).toEqual([]);
  });

  it('keeps playing Moshi through a local interrupt when bargeIn is off', async () => {
    const { h, conversation } = await setUp({ words: WORDS, stepDelayMs: 40 });
    await userSpeaks(h, 300);
    await waitFor(undefined, () => h.downstream('audio.out').length > 2);
    await h.send(h.frame('interrupt', { reason: 'local VAD' }));
    const at = h.downstream().findIndex((f) => f.type === 'interrupt');
    await waitFor(undefined, () => h.downstream('llm.response.end').length === 1);
    expect(audioAfter(h.downstream(), at)).toBeGreaterThan(3);
    expect(conversation.messages.at(-1)?.content).toBe('Hello there, how are you?');
  });

  it('drops Moshi’s utterance on a local interrupt when bargeIn is on, keeping what was heard', async () => {
    const { h, conversation } = await setUp({ words: WORDS, stepDelayMs: 40 }, true);
    await userSpeaks(h, 300);
    await waitFor(undefined, () => said(h.downstream()).includes('there'));
    await h.advance(10_000); // the output has played everything pushed so far
    await h.send(h.frame('user.speaking.started', { speechStartedAt: 0 }));
    const at = h.downstream().findIndex((f) => f.type === 'interrupt');
    expect(at).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 600)); // the rest of Moshi's reply arrives
    expect(audioAfter(h.downstream(), at)).toBe(0);
    const heard = conversation.messages.at(-1)?.content ?? '';
    expect(heard.startsWith('Hello there,')).toBe(true);
    expect(heard).not.toContain('you?');
  });

  for (const fault of ['error message', 'dropped socket'] as const) {
    it(`reports the ${fault} as an error frame naming the node, then reconnects`, async () => {
      const { h, s2s, fake } = await setUp({ words: [' Hi.'] });
      const first = fake.sessions[0]!;
      if (fault === 'error message') fake.sendError(first, 'model overloaded');
      else fake.drop(first);
      await waitFor(undefined, () => h.upstream('error').length === 1);
      const error = h.upstream('error')[0]!;
      expect(error).toMatchObject({ source: 's2s' });
      expect(error.type === 'error' && error.message).toMatch(
        fault === 'error message' ? /Moshi server error: model overloaded/ : /closed/,
      );
      await h.advance(1000);
      await userSpeaks(h, 100); // the next audio dials again
      await waitFor(undefined, () => s2s.isConnected && fake.sessions.length === 2);
      await userSpeaks(h, 400);
      const second: MoshiSession = fake.sessions[1]!;
      await waitFor(undefined, () => h.downstream('llm.response.end').length === 1);
      expect(second.peak).toBeGreaterThan(0.15);
      expect(said(h.downstream())).toBe(' Hi.');
    });
  }

  it('refuses a URL that is not ws:// or wss://, naming the key', () => {
    const result = moshiSettings.safeParse({ url: 'http://127.0.0.1:8998/api/chat' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['url'] });
    expect(result.error?.issues[0]?.message).toMatch(/url must be a ws:\/\/ or wss:\/\/ URL/);
  });

  it('graphs/moshi.json is valid and needs no credentials', () => {
    const doc = JSON.parse(
      readFileSync(new URL('../../graphs/moshi.json', import.meta.url), 'utf8'),
    ) as GraphDocument;
    const validation = validateGraph(doc, createDefaultRegistry());
    expect(validation.ok ? [] : validation.errors).toEqual([]);
    expect(validation.warnings).toEqual([]);
  });
});

describe('Moshi wire format', () => {
  it('round-trips every message kind and accepts the Python server’s bare handshake', () => {
    const handshake = { kind: 'handshake', protocolVersion: 0, modelVersion: 3 } as const;
    expect(decodeMessage(encodeMessage(handshake))).toEqual(handshake);
    expect(decodeMessage(Uint8Array.of(0))).toEqual({ ...handshake, modelVersion: 0 });
    expect(decodeMessage(encodeMessage({ kind: 'text', text: ' héllo' }))).toEqual({
      kind: 'text',
      text: ' héllo',
    });
    expect(decodeMessage(encodeMessage({ kind: 'control', action: 'endTurn' }))).toEqual({
      kind: 'control',
      action: 'endTurn',
    });
    expect(decodeMessage(encodeMessage({ kind: 'metadata', data: { a: 1 } }))).toEqual({
      kind: 'metadata',
      data: { a: 1 },
    });
    expect(decodeMessage(encodeMessage({ kind: 'error', message: 'no' }))).toEqual({
      kind: 'error',
      message: 'no',
    });
    expect(decodeMessage(Uint8Array.of(6))).toEqual({ kind: 'ping' });
    expect(decodeMessage(Uint8Array.of(42, 1, 2))).toBeUndefined(); // unknown kinds are discarded
  });
});

describe('OggOpusWriter', () => {
  it('computes Ogg’s CRC-32 (check value of "123456789")', () => {
    expect(oggCrc32(Buffer.from('123456789'))).toBe(0x89a1897f);
  });

  it('writes pages that ogg-opus-decoder parses back to the tone, with correct CRCs and granules', async () => {
    const encoder = new OpusCodec(24000);
    const writer = new OggOpusWriter(1234, 24000);
    const pages: Buffer[] = [writer.headers()];
    for (let f = 0; f < 50; f++) {
      const pcm = new Int16Array(480);
      for (let i = 0; i < pcm.length; i++)
        pcm[i] = Math.round(10000 * Math.sin((2 * Math.PI * 500 * (f * 480 + i)) / 24000));
      pages.push(writer.packet(encoder.encode(pcm), 480));
    }
    pages.push(writer.end());
    encoder.destroy();
    const stream = Buffer.concat(pages);

    // Every page: capture pattern, CRC over the page with the CRC field zeroed, granule at 48 kHz.
    let at = 0;
    const granules: bigint[] = [];
    while (at < stream.length) {
      expect(stream.toString('latin1', at, at + 4)).toBe('OggS');
      const segments = stream[at + 26]!;
      let size = 27 + segments;
      for (let s = 0; s < segments; s++) size += stream[at + 27 + s]!;
      const page = Buffer.from(stream.subarray(at, at + size));
      const crc = page.readUInt32LE(22);
      page.writeUInt32LE(0, 22);
      expect(oggCrc32(page)).toBe(crc);
      granules.push(page.readBigInt64LE(6));
      at += size;
    }
    expect(granules.slice(0, 3)).toEqual([0n, 0n, 960n]);
    expect(granules.at(-1)).toBe(50n * 960n);

    const decoder = new OggOpusDecoder();
    await decoder.ready;
    const { channelData, samplesDecoded, sampleRate, errors } = await decoder.decode(stream);
    decoder.free();
    expect(errors).toEqual([]);
    expect(sampleRate).toBe(48000);
    expect(samplesDecoded).toBeGreaterThan(48000 * 0.9); // 1 s less the pre-skip
    const mono = channelData[0]!;
    let energy = 0;
    for (let i = 4800; i < samplesDecoded; i++) energy += mono[i]! * mono[i]!;
    expect(Math.sqrt(energy / (samplesDecoded - 4800))).toBeGreaterThan(0.15);
  });
});
