/**
 * A cloud cascade (Silero VAD → OpenAI STT → OpenAI chat → OpenAI TTS) run by
 * a real server against the local FakeOpenAI, and a client that speaks a
 * recorded utterance into it over /ws/pipecat: a real turn, with real
 * provider requests, and no API key or network.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readWav } from '../../../engine/audio/wav.ts';
import type { ServerOptions } from '../../../server/createServer.ts';
import { FakeOpenAI, type FakeOpenAIOptions } from '../../fakes/FakeOpenAI.ts';
import { RawPipecatSocket } from '../helpers/RawPipecatSocket.ts';
import { startTestServer, type TestServer } from '../helpers/testServer.ts';

export const CASCADE = 'cascade';
const KEY = 'sk-test-observability';
const SPEECH = path.resolve(import.meta.dirname, '../../fixtures/speech');

export function cascadeGraph(baseUrl: string) {
  return {
    version: 2,
    name: CASCADE,
    nodes: [
      { id: 'in', type: 'transport.input', config: {} },
      { id: 'vad', type: 'vad.silero', config: { stopMs: 300 } },
      { id: 'stt', type: 'stt.openai', config: { baseUrl } },
      { id: 'user', type: 'context.user', config: {} },
      // No retries: a provider fault becomes an error at once.
      { id: 'llm', type: 'llm.openai', config: { baseUrl, maxRetries: 0 } },
      { id: 'assistant', type: 'context.assistant', config: {} },
      { id: 'sentences', type: 'text.sentences', config: {} },
      { id: 'tts', type: 'tts.openai', config: { baseUrl } },
      { id: 'out', type: 'transport.output', config: {} },
    ],
    edges: [
      { id: 'e1', source: 'in', target: 'vad' },
      { id: 'e2', source: 'vad', target: 'stt' },
      { id: 'e3', source: 'stt', target: 'user' },
      { id: 'e4', source: 'user', target: 'llm' },
      { id: 'e5', source: 'llm', target: 'assistant' },
      { id: 'e6', source: 'assistant', target: 'sentences' },
      { id: 'e7', source: 'sentences', target: 'tts' },
      { id: 'e8', source: 'tts', target: 'out' },
    ],
  };
}

export interface CascadeServer {
  t: TestServer;
  openai: FakeOpenAI;
  /** The stored graph's revision, as every span should carry it. */
  revision: string;
  connect(): Promise<RawPipecatSocket>;
  close(): Promise<void>;
}

/** A test server holding the `cascade` graph, its providers faked by one FakeOpenAI. */
export async function startCascadeServer(
  fakes: FakeOpenAIOptions,
  overrides: Partial<ServerOptions> = {},
): Promise<CascadeServer> {
  const openai = new FakeOpenAI({ apiKey: KEY, ...fakes });
  const baseUrl = await openai.start();
  const t = await startTestServer({
    ...overrides,
    env: { OPENAI_API_KEY: KEY, PARLEY_ALLOWED_ENDPOINTS: baseUrl, ...overrides.env },
  });
  const saved = await t.api('POST', '/api/graphs', {
    name: CASCADE,
    graph: cascadeGraph(baseUrl),
  });
  if (saved.status !== 201) throw new Error(`graph not saved: ${JSON.stringify(saved.body)}`);
  return {
    t,
    openai,
    revision: (saved.body as { revision: string }).revision,
    connect: () => RawPipecatSocket.ready(`${t.wsUrl}/ws/pipecat?graph=${CASCADE}`),
    async close() {
      await t.close();
      await openai.stop();
    },
  };
}

/** A recorded utterance as a microphone sends it: 20 ms at a time at twice real time, then a second of silence. */
export async function speak(socket: RawPipecatSocket, fixture = 'how-are-you.wav'): Promise<void> {
  const { samples, sampleRate } = readWav(readFileSync(path.join(SPEECH, fixture)));
  const audio = new Int16Array([...samples, ...new Int16Array(sampleRate)]);
  const chunk = sampleRate / 50;
  for (let at = 0; at < audio.length; at += chunk) {
    socket.sendAudio(audio.subarray(at, at + chunk), sampleRate);
    await new Promise((r) => setTimeout(r, 10));
  }
}
