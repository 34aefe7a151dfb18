import { describe, expect, it } from 'vitest';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { FrameOf } from '../../engine/core/frames.ts';
import { VirtualClock } from '../../engine/core/VirtualClock.ts';
import { graphDocumentSchema } from '../../engine/graph/GraphDocument.ts';
import { pipeline } from '../../engine/graph/pipeline.ts';
import { LatencyObserver } from '../../engine/metrics/LatencyObserver.ts';
import { costOf, DEFAULT_PRICES, pricesFor } from '../../engine/metrics/prices.ts';
import { summarizeUsage } from '../../engine/metrics/sessionUsage.ts';
import { SentenceAggregator } from '../../engine/processors/text/SentenceAggregator.ts';
import { RulesLlm, rulesLlmSettings } from '../../engine/providers/rules/RulesLlm.ts';
import { SttProcessor } from '../../engine/services/stt/SttProcessor.ts';
import { type EmitAudio, TtsProcessor } from '../../engine/services/tts/TtsProcessor.ts';

/** A recogniser that hears "hello" in whatever it was sent. */
class HelloStt extends SttProcessor {
  protected hear(_frame: FrameOf<'audio.in'>): void {}
  protected finalize(): Promise<void> {
    return this.awaitFinal(Promise.resolve('hello'), this.clock.now());
  }
}
/** 100 ms of silence per sentence. */
class QuietTts extends TtsProcessor {
  protected async speak(_text: string, _signal: AbortSignal, emit: EmitAudio): Promise<void> {
    emit({ samples: new Int16Array(1600), sampleRate: 16000 });
  }
}

async function talk(observer: LatencyObserver) {
  const clock = new VirtualClock(1000);
  const conversation = new ConversationContext();
  const llm = new RulesLlm('brain', conversation, rulesLlmSettings.parse({}));
  const runner = pipeline(
    [new HelloStt('ear', {}), llm, new SentenceAggregator('sentences'), new QuietTts('voice', {})],
    { clock },
  );
  runner.observeHops(observer.observe);
  await runner.start();
  for (let turn = 0; turn < 2; turn++) {
    runner.push(runner.createFrame('user.speaking.started', { speechStartedAt: clock.now() }));
    // Two seconds of microphone audio at 16 kHz.
    for (let i = 0; i < 20; i++) {
      runner.push(
        runner.createFrame('audio.in', { audio: new Int16Array(1600), sampleRate: 16000 }),
      );
      await clock.advance(100);
    }
    runner.push(runner.createFrame('user.speaking.stopped', { speechEndedAt: clock.now() }));
    await clock.advance(50);
    conversation.add({ role: 'user', content: 'hello' });
    runner.push(runner.createFrame('llm.context', { messages: [...conversation.messages] }));
    await clock.advance(2000);
  }
  observer.flush();
  await runner.stop();
  return observer.records;
}

describe('usage in turn records', () => {
  it('carries per-node usage: STT seconds, estimated LLM tokens, TTS characters', async () => {
    const records = await talk(new LatencyObserver());
    expect(records).toHaveLength(2);
    const usage = records[0]!.usage!;
    expect(usage.ear).toEqual({ sttAudioSeconds: 2 });
    // The rules engine reports no tokens: four characters a token, marked estimated.
    expect(usage.brain!.estimated).toBe(true);
    expect(usage.brain!.inputTextTokens).toBeGreaterThan(0);
    expect(usage.brain!.outputTextTokens).toBeGreaterThan(0);
    const spoken = records[0]!.usage!.voice!.ttsCharacters!;
    expect(spoken).toBeGreaterThan(0);
    expect(records[0]!.costUsd).toBeUndefined(); // no prices given
  });

  it('prices turns from the table and from an override; sums the session and per minute', async () => {
    const types: Record<string, string> = {
      ear: 'stt.deepgram',
      brain: 'llm.openai',
      voice: 'tts.deepgram',
    };
    const overrides = { voice: { ttsPerMCharacters: 1000 } };
    const observer = new LatencyObserver({
      prices: (id) => pricesFor(id, types[id], overrides),
    });
    const records = await talk(observer);
    const usage = records[0]!.usage!;
    const stt = (2 / 60) * DEFAULT_PRICES['stt.deepgram']!.sttPerMinute!;
    expect(usage.ear!.costUsd).toBeCloseTo(stt, 12);
    const llm = DEFAULT_PRICES['llm.openai']!;
    expect(usage.brain!.costUsd).toBeCloseTo(
      (usage.brain!.inputTextTokens! * llm.inputTextPerMTokens! +
        usage.brain!.outputTextTokens! * llm.outputTextPerMTokens!) /
        1e6,
      12,
    );
    expect(usage.voice!.costUsd).toBeCloseTo((usage.voice!.ttsCharacters! * 1000) / 1e6, 12);
    expect(records[0]!.costUsd).toBeCloseTo(
      usage.ear!.costUsd! + usage.brain!.costUsd! + usage.voice!.costUsd!,
      12,
    );

    const session = observer.sessionUsage(0.5);
    expect(session.turns).toBe(2);
    expect(session.usage.ear!.sttAudioSeconds).toBe(4);
    expect(session.costUsd).toBeCloseTo(records[0]!.costUsd! + records[1]!.costUsd!, 12);
    expect(session.costPerMinuteUsd).toBeCloseTo(session.costUsd! / 0.5, 12);
    // Without a known length, the turns' own span is the conversation's.
    expect(summarizeUsage(records).minutes).toBeGreaterThan(0);
  });

  it('takes cached tokens at the cached price, out of the input tokens', () => {
    const prices = { inputTextPerMTokens: 10, cachedPerMTokens: 1, outputTextPerMTokens: 20 };
    const cost = costOf(
      { inputTextTokens: 1_000_000, cachedTokens: 400_000, outputTextTokens: 100_000 },
      prices,
    );
    expect(cost).toBeCloseTo(6 + 0.4 + 2, 9);
  });

  it('takes a graph-level price override by node id or type, and refuses a negative price', () => {
    const graph = { version: 2, name: 'g', nodes: [], edges: [] };
    const prices = { brain: { inputTextPerMTokens: 3 }, 'tts.deepgram': { ttsPerMCharacters: 5 } };
    const parsed = graphDocumentSchema.parse({ ...graph, prices });
    expect(pricesFor('brain', 'llm.openai', parsed.prices)).toMatchObject({
      inputTextPerMTokens: 3,
      outputTextPerMTokens: DEFAULT_PRICES['llm.openai']!.outputTextPerMTokens,
    });
    expect(pricesFor('voice', 'tts.deepgram', parsed.prices)?.ttsPerMCharacters).toBe(5);
    expect(pricesFor('x', 'test.unknown', parsed.prices)).toBeUndefined();
    const bad = { ...graph, prices: { brain: { inputTextPerMTokens: -1 } } };
    expect(graphDocumentSchema.safeParse(bad).success).toBe(false);
  });
});
