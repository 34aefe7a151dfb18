import type {
  RecordedEvent,
  RecordedTurn,
  Recording,
} from '../../../engine/recording/RecordingFormat.ts';

/** A turn record on the recording's timeline; hops relative to the end of speech. */
export function turn(n: number, startMs: number, voiceToVoiceMs: number): RecordedTurn {
  return {
    turn: n,
    userSpeechStartAt: startMs,
    userSpeechEndAt: startMs + 1000,
    hops: { vadEndOfSpeechMs: 300, sttFinalMs: 350, firstAudioOutMs: voiceToVoiceMs },
    nodes: { vadEndOfSpeechMs: 'vad' },
    ttfbMs: {},
    tools: [],
    voiceToVoiceMs,
    interrupted: false,
  };
}

/** A small, valid recording: two 16 kHz tracks of `seconds`, the turns and events given. */
export function syntheticRecording(
  turns: RecordedTurn[],
  events: RecordedEvent[],
  seconds = 4,
): Recording {
  const user = new Int16Array(16000 * seconds).map((_, i) => Math.round(3000 * Math.sin(i / 7)));
  const bot = new Int16Array(16000 * seconds);
  return {
    meta: {
      formatVersion: 1,
      id: 'rec-1',
      createdAt: '2026-12-04T17:00:00.000Z',
      durationMs: seconds * 1000,
      session: { id: 's1', transport: 'test' },
      graph: { name: 'voice-agent', revision: 'abc', document: { name: 'voice-agent' } },
      audio: {
        user: { file: 'user.wav', sampleRate: 16000, durationMs: seconds * 1000 },
        bot: { file: 'bot.wav', sampleRate: 16000, durationMs: seconds * 1000 },
        truncated: false,
      },
      turns,
      events,
      notes: [],
    },
    user: { samples: user, sampleRate: 16000 },
    bot: { samples: bot, sampleRate: 16000 },
  };
}

/** One weather turn and one joke turn, as a recording of the default graph would have them. */
export function twoTurnRecording(voiceToVoice: [number, number] = [800, 600]): Recording {
  return syntheticRecording(
    [turn(1, 500, voiceToVoice[0]), turn(2, 5000, voiceToVoice[1])],
    [
      { kind: 'transcript', atMs: 1850, text: "what's the weather in tokyo" },
      { kind: 'bot.text', atMs: 1860, text: 'Let me check the weather in Tokyo.' },
      {
        kind: 'tool.call',
        atMs: 1870,
        callId: 'c1',
        name: 'get_weather',
        arguments: '{"location":"Tokyo"}',
      },
      {
        kind: 'tool.result',
        atMs: 1900,
        callId: 'c1',
        name: 'get_weather',
        result: '{"place":"Tokyo","temperature":21}',
        isError: false,
      },
      { kind: 'bot.text', atMs: 1950, text: 'In Tokyo it is 21 degrees.' },
      { kind: 'interrupt', atMs: 5000, reason: 'user started speaking' },
      { kind: 'transcript', atMs: 6350, text: 'tell me a joke' },
      { kind: 'bot.text', atMs: 6360, text: 'Why do programmers prefer dark mode?' },
    ],
    8,
  );
}
