import { describe, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../engine/builtinNodes.ts';
import { realClock } from '../../engine/core/Clock.ts';
import type { RecordedEvent } from '../../engine/recording/RecordingFormat.ts';
import {
  answeringFrom,
  NOT_IN_RECORDING,
  RecordedToolAnswers,
  withRecordedTools,
} from '../../engine/recording/replayedTools.ts';
import { runToolCalls } from '../../engine/tools/runToolCalls.ts';
import type { Tool } from '../../engine/tools/Tool.ts';

function call(id: string, name: string, args: string, result: string, isError = false) {
  return [
    { kind: 'tool.call', atMs: 0, callId: id, name, arguments: args },
    { kind: 'tool.result', atMs: 1, callId: id, name, result, isError },
  ] satisfies RecordedEvent[];
}

const liveTool: Tool = {
  name: 'get_weather',
  description: 'weather',
  parameters: { type: 'object' },
  timeoutMs: 1000,
  execute: async () => {
    throw new Error('the live tool must not run in a replay');
  },
};

describe('RecordedToolAnswers', () => {
  it('answers a call with the same name and arguments from the recording, whatever the key order', async () => {
    const answers = new RecordedToolAnswers([
      ...call('a', 'get_weather', '{"location":"Tokyo","unit":"c"}', '{"t":21}'),
    ]);
    const tool = answeringFrom(answers, liveTool);
    expect(tool.parameters).toBe(liveTool.parameters);
    const signal = new AbortController().signal;
    await expect(tool.execute({ unit: 'c', location: 'Tokyo' }, { signal })).resolves.toBe(
      '{"t":21}',
    );
  });

  it('hands out repeated calls in order, then the last answer again', () => {
    const answers = new RecordedToolAnswers([
      ...call('a', 'get_weather', '{"location":"Tokyo"}', 'first'),
      ...call('b', 'get_weather', '{"location":"Tokyo"}', 'second'),
    ]);
    const ask = () => answers.answer('get_weather', { location: 'Tokyo' });
    expect([ask(), ask(), ask()]).toEqual(['first', 'second', 'second']);
  });

  it('gives a call the recording does not have an error naming it, as the model will read it', async () => {
    const answers = new RecordedToolAnswers(
      call('a', 'get_weather', '{"location":"Tokyo"}', '{"t":21}'),
    );
    const [result] = await runToolCalls(
      [{ id: 'x', name: 'get_weather', arguments: '{"location":"Oslo"}' }],
      [answeringFrom(answers, liveTool)],
      new AbortController().signal,
      realClock,
    );
    expect(result.isError).toBe(true);
    expect(JSON.parse(result.content).error).toBe(
      `${NOT_IN_RECORDING} get_weather({"location":"Oslo"})`,
    );
  });

  it('replays a recorded failure as the same failure', async () => {
    const failure = JSON.stringify({ error: "no place called 'Atlantis' was found" });
    const answers = new RecordedToolAnswers(
      call('a', 'get_weather', '{"location":"Atlantis"}', failure, true),
    );
    const [result] = await runToolCalls(
      [{ id: 'y', name: 'get_weather', arguments: '{"location":"Atlantis"}' }],
      [answeringFrom(answers, liveTool)],
      new AbortController().signal,
      realClock,
    );
    expect(result).toMatchObject({ isError: true, content: failure });
  });
});

describe('withRecordedTools', () => {
  it('wraps the tool node types of a registry and leaves the processors alone', async () => {
    const registry = createDefaultRegistry();
    const answers = new RecordedToolAnswers(
      call('a', 'get_weather', '{"location":"Tokyo"}', 'recorded'),
    );
    const replaying = withRecordedTools(registry, answers);
    expect(replaying.list().map((t) => t.type)).toEqual(registry.list().map((t) => t.type));
    expect(replaying.get('vad.silero')).toBe(registry.get('vad.silero'));
    const def = replaying.get('tool.weather');
    if (def?.kind !== 'tool') throw new Error('tool.weather is not a tool');
    const tool = def.create(def.config.parse({}), {
      nodeId: 'weather',
      credentials: {},
      session: undefined as never,
    });
    expect(tool.name).toBe('get_weather');
    await expect(
      tool.execute({ location: 'Tokyo' }, { signal: new AbortController().signal }),
    ).resolves.toBe('recorded');
  });
});
