import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Recording } from '../../../engine/recording/RecordingFormat.ts';
import { readRecording } from '../../../engine/recording/readRecording.ts';
import { loadSpeechFixture } from '../../fixtures/speech/speechFixtures.ts';
import { RawPipecatSocket } from '../../server/helpers/RawPipecatSocket.ts';
import { startRealGraphServer } from '../../server/helpers/realGraphServer.ts';
import { waitFor } from '../../server/helpers/testServer.ts';
import { Microphone } from './Microphone.ts';

export interface ServerRecording {
  recording: Recording;
  /** The store's revision of the graph the session ran. */
  revision: string;
  dir: string;
  /** How many recordings the server wrote. */
  count: number;
}

/**
 * One real conversation through the server: a Pipecat WebSocket client
 * streams a microphone in real time, says each fixture after the bot has
 * answered the one before, hangs up; the server (PARLEY_RECORD=all) writes
 * the recording, which is read back from disk.
 */
export async function recordThroughServer(
  graph: unknown,
  fixtures: string[],
  patienceMs = 20_000,
): Promise<ServerRecording> {
  const recordingsDir = await mkdtemp(path.join(tmpdir(), 'parley-recordings-'));
  // Only 'voice-agent' is recorded: the warm-up session on its twin is not.
  const server = await startRealGraphServer(
    { 'voice-agent': graph, 'warm-up': graph },
    { PARLEY_RECORD: 'voice-agent', PARLEY_RECORDINGS_DIR: recordingsDir },
  );
  try {
    const revision = (await server.server.store.get('voice-agent'))!.revision;
    // The first turn in a process loads the recogniser, the voice and the VAD model: that
    // cold start would be in the recording but not in a replay in the same process.
    await converse(`${server.wsUrl}/ws/pipecat?graph=warm-up`, fixtures.slice(0, 1), patienceMs);
    await converse(`${server.wsUrl}/ws/pipecat?graph=voice-agent`, fixtures, patienceMs);
    await waitFor(
      async () => (await readdir(recordingsDir)).some((name) => !name.startsWith('.')),
      patienceMs,
      'the recording to be written',
    );
    const names = (await readdir(recordingsDir)).filter((n) => !n.startsWith('.'));
    const dir = path.join(recordingsDir, names[0]);
    return { recording: await readRecording(dir), revision, dir, count: names.length };
  } finally {
    await server.close();
  }
}

/** Says each fixture after the bot has answered the one before, then hangs up. */
async function converse(url: string, fixtures: string[], patienceMs: number): Promise<void> {
  const socket = await RawPipecatSocket.open(url);
  const ready = socket.rtvi('client-ready', {
    version: '2.1.0',
    about: { library: 'recording-test' },
  });
  await socket.waitFor((m) => m.type === 'bot-ready' && m.id === ready, patienceMs);
  const mic = new Microphone(socket);
  await sleep(500); // a moment of room tone before the first word
  for (const fixture of fixtures) {
    const answered = socket.count('bot-stopped-speaking');
    await mic.say(loadSpeechFixture(fixture).samples);
    await waitFor(
      () => socket.count('bot-stopped-speaking') > answered,
      patienceMs,
      `the bot to answer ${fixture}`,
    );
    await sleep(700);
  }
  await mic.stop();
  await socket.close();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
