import { describe, expect, it } from 'vitest';
import type { TurnRecord } from '../../../engine/metrics/TurnRecord.ts';
import { turnTimeline } from '../../../server/observability/turnTimeline.ts';
import { turnRecord } from '../../helpers/turnRecord.ts';

const TYPES: Record<string, string> = {
  stt: 'stt.deepgram',
  llm: 'llm.openai',
  tts: 'tts.deepgram',
  s2s: 's2s.openai-realtime',
  ear: 'test.echo-ear',
};
const typeOf = (id: string) => TYPES[id];

/** A cascade turn: speech 1.0–2.0 s, first audio out 810 ms later, the bot done at 5.0 s. */
function record(overrides: Partial<TurnRecord> = {}): TurnRecord {
  return turnRecord(
    1,
    {
      vadEndOfSpeechMs: 300,
      sttFinalMs: 350,
      llmFirstTokenMs: 600,
      firstSentenceMs: 650,
      ttsFirstAudioMs: 800,
      firstAudioOutMs: 810,
    },
    {
      userSpeechStartAt: 1000,
      userSpeechEndAt: 2000,
      ttfbMs: { llm: 240, tts: 150 },
      userTurnEndMs: 360,
      botSpeechEndMs: 3000,
      ...overrides,
    },
  );
}

describe('turnTimeline', () => {
  it('lays a cascade turn out as stt → llm → tts, from each hand-over to its first output', () => {
    const { turn, children } = turnTimeline(record(), typeOf, 9999);
    expect(turn).toMatchObject({ name: 'turn', startAt: 1000, endAt: 5000 });
    expect(turn.attributes).toMatchObject({
      'parley.turn.number': 1,
      'parley.turn.voice_to_voice_ms': 810,
      'parley.turn.stt_final_ms': 350,
      'parley.turn.first_audio_out_ms': 810,
    });
    expect(children.map((c) => [c.name, c.startAt, c.endAt])).toEqual([
      ['stt', 1000, 2350],
      ['llm', 2360, 2600],
      ['tts', 2650, 2800],
    ]);
    expect(children[1].attributes).toMatchObject({
      'parley.node.id': 'llm',
      'parley.node.type': 'llm.openai',
      'parley.ttfb_ms': 240,
    });
    expect(children[0].attributes['parley.ttfb_ms']).toBeUndefined();
  });

  it('ends an interrupted reply when it was reported (the moment its audio stopped)', () => {
    const { turn } = turnTimeline(
      record({ interrupted: true, botSpeechEndMs: undefined }),
      typeOf,
      2900,
    );
    expect(turn.endAt).toBe(2900);
    expect(turn.attributes['parley.turn.interrupted']).toBe(true);
  });

  it('gives a speech-to-speech node one span for its text and its audio', () => {
    const { children } = turnTimeline(
      record({
        hops: { llmFirstTokenMs: 400, ttsFirstAudioMs: 450, firstAudioOutMs: 460 },
        nodes: { llmFirstTokenMs: 's2s', ttsFirstAudioMs: 's2s', firstAudioOutMs: 'out' },
        userTurnEndMs: undefined,
        ttfbMs: {},
      }),
      typeOf,
      9999,
    );
    expect(children.map((c) => [c.name, c.startAt, c.endAt])).toEqual([['s2s', 2000, 2450]]);
  });

  it('names a non-provider node by the role it played, and adds tool calls', () => {
    const { children } = turnTimeline(
      record({
        nodes: { sttFinalMs: 'ear' },
        hops: { sttFinalMs: 0 },
        tools: [{ name: 'get_weather', startMs: 500, endMs: 700, isError: true }],
      }),
      typeOf,
      9999,
    );
    expect(children.map((c) => c.name)).toEqual(['stt', 'tool']);
    expect(children[1]).toMatchObject({
      startAt: 2500,
      endAt: 2700,
      isError: true,
      attributes: { 'parley.tool.name': 'get_weather' },
    });
  });

  it('makes no service spans for a turn whose speech never ended', () => {
    const { turn, children } = turnTimeline(
      record({ userSpeechEndAt: undefined, hops: {}, nodes: {} }),
      typeOf,
      4000,
    );
    expect(turn).toMatchObject({ startAt: 1000, endAt: 4000 });
    expect(children).toEqual([]);
  });
});
