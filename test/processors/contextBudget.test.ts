import { describe, expect, it } from 'vitest';
import { ConversationContext } from '../../engine/core/ConversationContext.ts';
import type { ChatMessage, Frame, Metric } from '../../engine/core/frames.ts';
import { VirtualClock } from '../../engine/core/VirtualClock.ts';
import { pipeline } from '../../engine/graph/pipeline.ts';
import { AssistantTurnAggregator } from '../../engine/processors/context/AssistantTurnAggregator.ts';
import {
  estimateAll,
  SUMMARY_HEADER,
  TRUNCATION_HEADER,
} from '../../engine/processors/context/ContextBudget.ts';
import {
  UserTurnAggregator,
  type UserTurnSettings,
} from '../../engine/processors/context/UserTurnAggregator.ts';
import { RulesLlm, rulesLlmSettings } from '../../engine/providers/rules/RulesLlm.ts';
import { MODEL_SUMMARY_HEADER } from '../../engine/services/llm/conversationSummary.ts';
import { type LlmDelta, LlmProcessor } from '../../engine/services/llm/LlmProcessor.ts';
import { ProcessorHarness } from '../../engine/testing/ProcessorHarness.ts';
import { cityTool } from '../providers/providerTestKit.ts';

const errors = (h: ProcessorHarness) =>
  h.upstream('error').map((f) => (f.type === 'error' ? f.message : ''));

const SYSTEM_PROMPT = 'You are a patient travel agent. Answer in one sentence.';

type SummaryBehaviour = 'write' | 'fail' | 'none';

/**
 * Answers every request at once; every 10th user turn it calls the weather
 * tool first. Asked for a summary (its own system prompt is not the graph's),
 * it names the turns it was given, fails, or — like a rule-based responder —
 * is not asked at all.
 */
class ScriptedLlm extends LlmProcessor {
  readonly requests: ChatMessage[][] = [];
  readonly summaryRequests: ChatMessage[][] = [];
  protected override readonly writesSummaries: boolean;

  constructor(
    conversation: ConversationContext,
    private readonly summaryBehaviour: SummaryBehaviour,
  ) {
    super('llm', conversation, {
      systemPrompt: SYSTEM_PROMPT,
      maxToolSteps: 2,
      fallbackReply: 'Sorry.',
    });
    this.writesSummaries = summaryBehaviour !== 'none';
  }

  protected override async *generate(messages: ChatMessage[]): AsyncIterable<LlmDelta> {
    if (messages[0].content !== SYSTEM_PROMPT) {
      this.summaryRequests.push(messages);
      if (this.summaryBehaviour === 'fail') throw new Error('summary model overloaded');
      // Like a model, it folds the previous summary in: its range starts where that one's did.
      const asked = messages[1]?.content ?? '';
      const turns = [...asked.matchAll(/User: Turn (\d+)/g)].map((m) => m[1]);
      const from = asked.match(/^Previous summary: .*? turns (\d+)/)?.[1] ?? turns[0];
      yield { type: 'text', text: `The user booked hotels in turns ${from} to ${turns.at(-1)}.` };
      yield { type: 'usage', promptTokens: 300, completionTokens: 20 };
      return;
    }
    this.requests.push(messages);
    const last = messages[messages.length - 1];
    const turn = messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    if (last.role === 'user' && turn.includes('weather')) {
      const id = `call-${this.requests.length}`;
      yield { type: 'tool_calls', calls: [{ id, name: 'weather', arguments: '{"city":"Oslo"}' }] };
      return;
    }
    yield { type: 'text', text: `Noted: ${turn.slice(0, 40)}. Anything else you need from me?` };
  }
}

async function converse(
  turns: number,
  settings: Partial<UserTurnSettings>,
  summaries: SummaryBehaviour = 'write',
) {
  const clock = new VirtualClock();
  const conversation = new ConversationContext();
  const user = new UserTurnAggregator('user', conversation, settings);
  const llm = new ScriptedLlm(conversation, summaries);
  llm.setTools([cityTool('weather', () => ({ city: 'Oslo', forecast: 'light rain, 9 degrees' }))]);
  const runner = pipeline([user, llm, new AssistantTurnAggregator('assistant', conversation)], {
    clock,
  });
  const metrics: Metric[] = [];
  runner.onOutput((frame: Frame) => {
    if (frame.type === 'metrics') metrics.push(...frame.metrics);
  });
  await runner.start();
  const said: string[] = [];
  for (let i = 0; i < turns; i++) {
    const topic = i % 10 === 9 ? 'what is the weather there' : 'book me a hotel near the station';
    const text = `Turn ${i}: ${topic}, for ${2 + (i % 5)} nights, and please keep it quiet.`;
    said.push(text);
    runner.push(runner.createFrame('text.input', { text }));
    await clock.advance(50);
  }
  return { conversation, llm, metrics, said, user };
}

const trimsOf = (metrics: Metric[]) => metrics.filter((m) => m.name === 'contextTrimmedTurns');

/** What the LLM was sent besides its own system prompt: the conversation the budget covers. */
const history = (request: ChatMessage[]) => request.slice(1);

describe('context budget', () => {
  it('keeps a 200-turn conversation under the budget at every request, with a visible summary', async () => {
    const budget = 1500;
    const { llm, conversation, metrics, said } = await converse(200, {
      contextBudgetTokens: budget,
      keepLatestTurns: 4,
      contextStrategy: 'summarize',
    });
    expect(llm.requests.length).toBe(220); // 200 turns, 20 of them with a tool round-trip
    for (const request of llm.requests) {
      expect(request[0]).toEqual({ role: 'system', content: SYSTEM_PROMPT });
      expect(estimateAll(history(request))).toBeLessThanOrEqual(budget);
      // No tool result without its call, no call without its result.
      const calls = new Set(
        request
          .flatMap((m) => (m.role === 'assistant' ? (m.toolCalls ?? []) : []))
          .map((c) => c.id),
      );
      const results = request.flatMap((m) => (m.role === 'tool' ? [m.toolCallId] : []));
      for (const id of results) expect(calls.has(id)).toBe(true);
      expect(results).toHaveLength(calls.size);
    }
    const last = llm.requests.at(-1) ?? [];
    // The summary is in what the model read, right after the system prompt: the model's own,
    // of the latest trim, which the model was asked for with the turns it cut and the summary
    // before.
    expect(last[1].role).toBe('system');
    expect(last[1].content.startsWith(MODEL_SUMMARY_HEADER)).toBe(true);
    const asked = llm.summaryRequests.at(-1)?.[1].content ?? '';
    expect(asked).toContain('Previous summary: The user booked hotels in turns 0 to');
    const lastCut = [...asked.matchAll(/User: Turn (\d+)/g)].at(-1)?.[1];
    expect(last[1].content).toBe(
      `${MODEL_SUMMARY_HEADER}The user booked hotels in turns 0 to ${lastCut}.`,
    );
    expect(llm.summaryRequests.length).toBe(trimsOf(metrics).length);
    // A summary costs tokens like a turn does, marked as such.
    const summaryUsage = metrics.filter((m) => m.name === 'llm.usage' && m.detail?.summary === 1);
    expect(summaryUsage).toHaveLength(llm.summaryRequests.length);
    // The latest turns arrive whole and in order.
    const users = last.filter((m) => m.role === 'user').map((m) => m.content);
    expect(users.slice(-4)).toEqual(said.slice(-4));
    // The session's conversation shows the same note, and the trims were reported.
    expect(conversation.messages[0]).toBe(conversation.note);
    const trims = trimsOf(metrics);
    expect(trims.length).toBeGreaterThan(5);
    expect(trims.reduce((n, m) => n + m.value, 0)).toBeGreaterThan(150);
    for (const t of trims) expect(Number(t.detail?.tokensAfter)).toBeLessThanOrEqual(budget);
  });

  it('keeps its local note when the LLM cannot summarise (a rule-based responder) or fails to', async () => {
    for (const summaries of ['none', 'fail'] as const) {
      const { llm, conversation, said } = await converse(
        120,
        { contextBudgetTokens: 1500, keepLatestTurns: 4, contextStrategy: 'summarize' },
        summaries,
      );
      expect(llm.summaryRequests.length > 0).toBe(summaries === 'fail');
      for (const request of llm.requests)
        expect(estimateAll(history(request))).toBeLessThanOrEqual(1500);
      const note = conversation.note?.content ?? '';
      expect(note.startsWith(SUMMARY_HEADER)).toBe(true);
      // The local note quotes what the user said in the trimmed turns.
      expect(note).toContain(said[100].slice(0, 30));
    }
  });

  it("a summary that arrives after a later trim does not overwrite that trim's note", () => {
    const conversation = new ConversationContext();
    conversation.add({ role: 'user', content: 'one' });
    conversation.add({ role: 'user', content: 'two' });
    conversation.compact(1, 'note A');
    conversation.compact(2, 'note B');
    expect(conversation.replaceNote('note A', 'summary of A')).toBe(false);
    expect(conversation.note?.content).toBe('note B');
    expect(conversation.replaceNote('note B', 'summary of B')).toBe(true);
    expect(conversation.messages[0]).toBe(conversation.note);
    expect(conversation.withSystemPrompt('prompt')[1]).toEqual({
      role: 'system',
      content: 'summary of B',
    });
  });

  it('truncate leaves a marker and drops whole turns, a tool call with its result', async () => {
    const { llm, conversation } = await converse(200, {
      contextBudgetTokens: 800,
      keepLatestTurns: 2,
      contextStrategy: 'truncate',
    });
    for (const request of llm.requests)
      expect(estimateAll(history(request))).toBeLessThanOrEqual(800);
    const first = conversation.messages[0];
    expect(first.role).toBe('system');
    expect(first.content.startsWith(TRUNCATION_HEADER)).toBe(true);
    // After the note the conversation starts at a user turn, never at an orphaned tool result.
    expect(conversation.messages[1].role).toBe('user');
  });

  it('with no budget (the default) nothing is trimmed', async () => {
    const { llm, conversation, metrics } = await converse(60, {});
    expect(conversation.note).toBeUndefined();
    expect(metrics.some((m) => m.name === 'contextTrimmedTurns')).toBe(false);
    const last = llm.requests.at(-1) ?? [];
    expect(last.filter((m) => m.role === 'user')).toHaveLength(60);
  });

  it('takes the budget as a live settings update, checked by the node schema', async () => {
    const conversation = new ConversationContext();
    const h = new ProcessorHarness(new UserTurnAggregator('user', conversation, {}));
    await h.start();
    const send = (text: string) => h.send(h.frame('text.input', { text }));
    for (let i = 0; i < 30; i++) {
      await send(`message number ${i} with some words in it`);
      conversation.add({ role: 'assistant', content: 'A reply of moderate length, as usual.' });
    }
    expect(conversation.note).toBeUndefined();
    h.processor.updateSettings({ contextStrategy: 'forget' });
    h.processor.updateSettings({ contextBudgetTokens: 200, keepLatestTurns: 0 });
    await h.settle();
    expect(errors(h)).toEqual([
      expect.stringContaining("'contextStrategy' is invalid"),
      expect.stringContaining("'keepLatestTurns' is invalid"),
    ]);
    await send('one more');
    expect(conversation.note).toBeUndefined(); // both refused whole: still no budget
    h.processor.updateSettings({ contextBudgetTokens: 200, keepLatestTurns: 2 });
    await send('and another');
    expect(conversation.note?.content.startsWith(SUMMARY_HEADER)).toBe(true);
    expect(estimateAll(conversation.messages)).toBeLessThanOrEqual(200);
    expect(conversation.messages.at(-1)).toEqual({ role: 'user', content: 'and another' });
  });
});

describe('context budget with the rule-based responder', () => {
  it('llm.rules writes no summary (it is not a language model): the local note stays', async () => {
    const conversation = new ConversationContext();
    const clock = new VirtualClock();
    const user = new UserTurnAggregator('user', conversation, {
      contextBudgetTokens: 300,
      keepLatestTurns: 2,
      contextStrategy: 'summarize',
    });
    const rules = new RulesLlm('llm', conversation, rulesLlmSettings.parse({}));
    const runner = pipeline([user, rules, new AssistantTurnAggregator('assistant', conversation)], {
      clock,
    });
    await runner.start();
    for (let i = 0; i < 30; i++) {
      runner.push(runner.createFrame('text.input', { text: `Turn ${i}: tell me a joke please` }));
      await clock.advance(50);
    }
    const note = conversation.note?.content ?? '';
    expect(note.startsWith(SUMMARY_HEADER)).toBe(true);
    expect(note).toContain('Turn 20: tell me a joke');
  });
});
