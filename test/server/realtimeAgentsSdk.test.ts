import { RealtimeAgent, type RealtimeItem, RealtimeSession, tool } from '@openai/agents-realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeSharedServices } from '../../engine/providers/sharedServices.ts';
import { RealtimeEventLog, type ServerEvent } from './helpers/RealtimeEventLog.ts';
import { type RealGraphServer, startRealGraphServer } from './helpers/realGraphServer.ts';
import { CLIENT_TOOL, realtimeAgentGraph } from './helpers/realtimeAgentGraph.ts';
import { loadSpeech24k, playInRealTime, silence24k } from './helpers/realtimeSpeech.ts';
import { waitFor } from './helpers/testServer.ts';

const GRAPH = 'realtime-agent';
const MOOD = 'I feel splendid, thanks.';

/**
 * `@openai/agents-realtime` (RealtimeSession + RealtimeAgent with a local
 * `tool`) over its WebSocket transport, pointed at Parley with a plain
 * `ws://…/v1/realtime?model=…&graph=…` URL. The SDK validates every server
 * event with zod and drops those that do not fit, so the tool only runs if
 * the function-call events are shaped exactly right.
 */
describe('@openai/agents-realtime RealtimeSession against /v1/realtime', () => {
  let t: RealGraphServer;
  let session: RealtimeSession;
  const log = new RealtimeEventLog();
  const toolCalls: unknown[] = [];
  const errors: unknown[] = [];

  beforeAll(async () => {
    t = await startRealGraphServer({ [GRAPH]: realtimeAgentGraph() });
  });
  afterAll(async () => {
    session?.close();
    await waitFor(() => t.server.sessions.size === 0, 5000, 'sessions to end');
    await t?.close();
    await closeSharedServices(); // model processes and workers kept warm for the next session
  });

  it('runs a conversation in which the model calls the agent’s tool', {
    timeout: 60_000,
  }, async () => {
    const getMood = tool({
      name: CLIENT_TOOL,
      description: 'How the assistant feels today, as the app decides; say it to the user.',
      parameters: z.object({ day: z.string() }),
      execute: async ({ day }) => {
        toolCalls.push({ day });
        return JSON.stringify({ mood: MOOD });
      },
    });
    const agent = new RealtimeAgent({
      name: 'Parley test agent',
      instructions: 'Answer briefly.',
      tools: [getMood],
    });
    session = new RealtimeSession(agent, {
      transport: 'websocket',
      model: 'gpt-realtime',
      tracingDisabled: true,
    });
    session.on('transport_event', (event) => log.record(event as unknown as ServerEvent));
    session.on('error', (event) => errors.push(event.error));

    await session.connect({
      apiKey: 'sk-parley-test',
      url: `${t.wsUrl}/v1/realtime?model=gpt-realtime&graph=${GRAPH}`,
    });
    const created = await log.next('session.created', { timeoutMs: 20_000 });
    expect(created.session.model).toBe('gpt-realtime');
    // The SDK's own session.update (instructions, tools, semantic_vad …) is echoed as the effective session.
    const updated = await log.next('session.updated', { match: (e) => e.session.tools.length > 0 });
    expect(updated.session.tools.map((x: { name: string }) => x.name)).toEqual([CLIENT_TOOL]);
    expect(updated.session.instructions).toBe('Answer briefly.');
    expect(updated.session.audio.input.turn_detection.interrupt_response).toBe(true);

    const send = (chunk: Int16Array) => session.sendAudio(chunk.slice().buffer);
    await playInRealTime(silence24k(200), send);
    await playInRealTime(await loadSpeech24k('how-are-you'), send);
    await playInRealTime(silence24k(700), send);

    await waitFor(() => toolCalls.length > 0, 15_000, 'the agent’s tool to run');
    expect(toolCalls).toEqual([{ day: 'today' }]);
    // The SDK answers with function_call_output + response.create; the graph speaks the result.
    const spoken = await log.next('response.output_audio_transcript.done', {
      match: (e) => e.transcript.includes('splendid'),
      timeoutMs: 15_000,
    });
    await log.next('response.done', { match: (e) => e.response.id === spoken.response_id });
    expect(
      log.ofType('response.output_audio.delta').some((e) => e.response_id === spoken.response_id),
    ).toBe(true);

    // The SDK's local history, built only from events it accepted, holds the whole exchange.
    await waitFor(
      () => assistantTexts(session.history).some((text) => text.includes('splendid')),
      5000,
      'the answer in the history',
    );
    const call = session.history.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({
      name: CLIENT_TOOL,
      output: JSON.stringify({ mood: MOOD }),
      status: 'completed',
    });
    // The user's words arrive by conversation.item.retrieve after the transcription event, as the SDK asks for them.
    const userSaid = () =>
      JSON.stringify(
        session.history.filter((item) => item.type === 'message' && item.role === 'user'),
      );
    await waitFor(
      () => /how are you\b/.test(userSaid()),
      5000,
      'the user’s transcript in the history',
    );
    expect(errors).toEqual([]);
    expect(log.ofType('error')).toEqual([]);
  });
});

function assistantTexts(history: RealtimeItem[]): string[] {
  return history.flatMap((item) =>
    item.type === 'message' && item.role === 'assistant'
      ? item.content.map((c) => ('transcript' in c ? (c.transcript ?? '') : ''))
      : [],
  );
}
