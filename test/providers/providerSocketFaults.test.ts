/**
 * A provider that breaks the WebSocket protocol (a text frame that is not
 * UTF-8, a reserved opcode, a frame over the size limit) or resets the TCP
 * connection must cost the node its turn, reported as an `error` frame, and
 * nothing more. An 'error' event without a listener would throw out of the
 * socket's data handler and end the process; vitest reports such an
 * uncaught exception as a failed run, so surviving is part of each test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { Frame } from '../../engine/core/frames.ts';
import {
  DeepgramStt,
  type DeepgramSttSettings,
} from '../../engine/providers/deepgram/DeepgramStt.ts';
import { DeepgramTts } from '../../engine/providers/deepgram/DeepgramTts.ts';
import {
  OpenAIRealtime,
  type OpenAIRealtimeSettings,
} from '../../engine/providers/openai/OpenAIRealtime.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import { FakeDeepgram } from '../fakes/FakeDeepgram.ts';
import { FakeOpenAIRealtime } from '../fakes/FakeOpenAIRealtime.ts';
import type { SocketFault } from '../fakes/socketFaults.ts';
import { TEST_KEY, waitFor } from './providerTestKit.ts';

const FAULTS: SocketFault[] = ['invalid-utf8', 'bad-opcode', 'oversized', 'reset'];

const REALTIME: OpenAIRealtimeSettings = {
  model: 'gpt-realtime',
  instructions: 'Be brief.',
  voice: 'marin',
  vadThreshold: 0.5,
  silenceDurationMs: 500,
  prefixPaddingMs: 300,
  transcriptionModel: 'gpt-4o-mini-transcribe',
  reconnectDelayMs: 0,
  truncationRetentionRatio: 0,
};
const STT: DeepgramSttSettings = {
  model: 'nova-3',
  language: 'en-US',
  smartFormat: true,
  endpointingMs: 300,
  utteranceEndMs: 1000,
  keyterms: [],
  keepAliveMs: 4000,
  maxBufferedMs: 2000,
  reconnectDelayMs: 0,
  sendChunkMs: 20,
  quietSendChunkMs: 20,
};

const errorText = (frames: Frame[]) =>
  frames.map((f) => (f.type === 'error' ? f.message : '')).join('\n');
const micChunk = (h: ProcessorHarness) =>
  h.frame('audio.in', { audio: new Int16Array(320), sampleRate: 16000 });

describe('provider sockets survive a provider that breaks the protocol', () => {
  let h: ProcessorHarness | undefined;
  let stopFake: (() => Promise<void>) | undefined;
  /** An OpenAI Realtime node connected to its own fake, the fake stopped after the test. */
  const startRealtimeNode = async () => {
    const fake = new FakeOpenAIRealtime({ apiKey: TEST_KEY });
    stopFake = () => fake.stop();
    const baseUrl = await fake.start();
    const s2s = new OpenAIRealtime(
      's2s',
      REALTIME,
      { apiKey: TEST_KEY, baseUrl },
      new ConversationContext(),
    );
    const harness = new ProcessorHarness(s2s);
    await harness.start();
    await waitFor(undefined, () => s2s.isConnected && fake.sessions.length === 1);
    return { fake, s2s, harness };
  };
  afterEach(async () => {
    await h?.send(h.frame('cancel', { reason: 'test over' }));
    h = undefined;
    await stopFake?.();
  });

  it('OpenAI Realtime, events with missing or mistyped fields: an error frame each, and the session goes on', async () => {
    const { fake, s2s, harness } = await startRealtimeNode();
    h = harness;
    const session = fake.sessions[0];

    for (const text of ['null', '[]', '{"type":42}']) session.socket.send(text); // not events: ignored
    session.socket.send(
      JSON.stringify({
        type: 'conversation.item.input_audio_transcription.completed',
        item_id: 'i1',
      }),
    );
    session.socket.send(JSON.stringify({ type: 'error', error: null }));
    await waitFor(undefined, () => h!.upstream('error').length === 2);
    expect(errorText(h.upstream())).toMatch(
      /Realtime event conversation\.item\.input_audio_transcription\.completed could not be handled/,
    );
    expect(errorText(h.upstream())).toMatch(/Realtime event error could not be handled/);

    fake.speechStarted(session);
    await waitFor(undefined, () => h!.downstream('user.speaking.started').length === 1);
    expect(s2s.isConnected).toBe(true);
    expect(fake.sessions).toHaveLength(1);
  });

  for (const fault of FAULTS) {
    it(`OpenAI Realtime, ${fault}: an error frame, then a fresh session on the next audio`, async () => {
      const { fake, s2s, harness } = await startRealtimeNode();
      h = harness;

      fake.fault(fake.sessions[0], fault);
      await waitFor(undefined, () => h!.upstream('error').length > 0);
      expect(errorText(h.upstream())).toMatch(/Realtime session closed \(code \d+/);
      expect(errorText(h.upstream())).not.toContain(TEST_KEY);

      await waitFor(h, () => {
        void h!.send(micChunk(h!));
        return fake.sessions.length === 2 && s2s.isConnected;
      });
    });

    it(`Deepgram STT, ${fault}: an error frame, then a fresh stream on the next audio`, async () => {
      const fake = new FakeDeepgram({ apiKey: TEST_KEY });
      stopFake = () => fake.stop();
      const baseUrl = await fake.start();
      const stt = new DeepgramStt('stt', STT, { apiKey: TEST_KEY, baseUrl });
      h = new ProcessorHarness(stt);
      await h.start();
      await waitFor(undefined, () => stt.isOpen);

      fake.fault(fake.listens[0], fault);
      await waitFor(undefined, () => h!.upstream('error').length > 0);
      expect(errorText(h.upstream())).toMatch(/Deepgram closed the stream/);
      expect(errorText(h.upstream())).not.toContain(TEST_KEY);

      await waitFor(h, () => {
        void h!.send(micChunk(h!));
        return fake.listens.length === 2 && stt.isOpen;
      });
    });

    it(`Deepgram TTS, ${fault} mid-sentence: the sentence fails with an error frame, the next one gets a fresh socket`, async () => {
      const fake = new FakeDeepgram({ apiKey: TEST_KEY, speakHang: true });
      stopFake = () => fake.stop();
      const baseUrl = await fake.start();
      h = new ProcessorHarness(
        new DeepgramTts(
          'tts',
          { model: 'aura-2-thalia-en', sampleRate: 24000, firstByteTimeoutMs: 30_000 },
          { apiKey: TEST_KEY, baseUrl },
        ),
      );
      await h.start();
      await h.send(h.frame('tts.text', { text: 'Never answered.' }));
      await waitFor(
        undefined,
        () => fake.speaks[0]?.messages.some((m) => m.type === 'Flush') === true,
      );

      fake.fault(fake.speaks[0], fault);
      await waitFor(undefined, () => h!.upstream('error').length > 0);
      expect(errorText(h.upstream())).toMatch(/Deepgram TTS connection closed mid-sentence/);

      await h.send(h.frame('tts.text', { text: 'Again.' }));
      await waitFor(
        undefined,
        () => fake.speaks.length === 2 && fake.speaks[1].messages.some((m) => m.type === 'Speak'),
      );
    });
  }
});
