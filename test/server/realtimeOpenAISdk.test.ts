import { connect } from 'node:net';
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSharedServices } from '../../engine/providers/sharedServices.ts';
import { RealtimeEventLog, type ServerEvent } from './helpers/RealtimeEventLog.ts';
import { type RealGraphServer, startRealGraphServer } from './helpers/realGraphServer.ts';
import { CLIENT_TOOL, GET_MOOD_TOOL, realtimeAgentGraph } from './helpers/realtimeAgentGraph.ts';
import {
  fromBase64,
  loadSpeech24k,
  playInRealTime,
  REALTIME_RATE,
  rms,
  silence24k,
  toBase64,
} from './helpers/realtimeSpeech.ts';
import { waitFor } from './helpers/testServer.ts';

const GRAPH = 'realtime-agent';
/** What the client's tool answers: several sentences of speech, long enough to barge in while it plays. */
const MOOD =
  'I am doing wonderfully today, thank you for asking. The sun is out, the servers are humming, and every test is green. ' +
  'I spent the morning reading about frame processors and the afternoon resampling audio. ' +
  'Tomorrow I plan to learn a few more words, so that I understand you better.';

/**
 * The official `openai` SDK's Realtime client against /v1/realtime, running
 * the offline voice agent (Silero, pocketsphinx, rules, Flite). The SDK
 * builds `wss://<baseURL>/realtime?model=…`; `model` names the graph, and
 * `createConnection` hands it a plain TCP socket so wss:// reaches the local
 * ws:// server without TLS.
 */
interface SdkClient {
  rt: OpenAIRealtimeWS;
  log: RealtimeEventLog;
  errors: unknown[];
}

/** OpenAIRealtimeWS exactly as an app builds it, but with base URL → Parley and a plain TCP socket. */
async function openSdkClient(serverUrl: string, model: string): Promise<SdkClient> {
  const { port } = new URL(serverUrl);
  const client = new OpenAI({ apiKey: 'sk-parley-test', baseURL: `${serverUrl}/v1` });
  const rt = new OpenAIRealtimeWS(
    {
      model,
      options: { createConnection: () => connect({ host: '127.0.0.1', port: Number(port) }) },
    },
    client,
  );
  const log = new RealtimeEventLog();
  const errors: unknown[] = [];
  rt.on('event', (event) => log.record(event as unknown as ServerEvent));
  rt.on('error', (error) => errors.push(error));
  await new Promise<void>((resolve, reject) => {
    rt.socket.once('open', () => resolve());
    rt.socket.once('error', reject);
  });
  expect(rt.url.protocol).toBe('wss:'); // the SDK's own URL; only the socket underneath is plain TCP
  return { rt, log, errors };
}

describe('openai SDK OpenAIRealtimeWS against /v1/realtime', () => {
  let t: RealGraphServer;
  let rt: OpenAIRealtimeWS;
  let log: RealtimeEventLog;
  let errors: unknown[];

  beforeAll(async () => {
    t = await startRealGraphServer({ [GRAPH]: realtimeAgentGraph() });
    ({ rt, log, errors } = await openSdkClient(t.url, GRAPH));
  });
  afterAll(async () => {
    rt?.close();
    await waitFor(() => t.server.sessions.size === 0, 5000, 'sessions to end');
    await t?.close();
    await closeSharedServices(); // model processes and workers kept warm for the next session
  });

  const append = (chunk: Int16Array) =>
    rt.send({ type: 'input_audio_buffer.append', audio: toBase64(chunk) });
  const audioOf = (responseId: string, from = 0) =>
    log.ofType('response.output_audio.delta', from).filter((e) => e.response_id === responseId);

  it('declares a client tool, answers a spoken question through it, and stops talking on barge-in', {
    timeout: 90_000,
  }, async () => {
    const created = await log.next('session.created', { timeoutMs: 20_000 });
    expect(created.session).toMatchObject({
      type: 'realtime',
      model: GRAPH,
      audio: { input: { format: { type: 'audio/pcm', rate: 24000 } } },
    });

    rt.send({
      type: 'session.update',
      event_id: 'evt_update_1',
      session: {
        type: 'realtime',
        instructions: 'Be brief.',
        tools: [GET_MOOD_TOOL],
        tool_choice: 'auto',
        audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 300 } } },
      },
    });
    const updated = await log.next('session.updated');
    expect(updated.session.instructions).toBe('Be brief.');
    expect(updated.session.tools).toEqual([GET_MOOD_TOOL]);
    expect(updated.session.audio.input.turn_detection).toMatchObject({
      type: 'server_vad',
      silence_duration_ms: 300,
      interrupt_response: true,
      create_response: true,
    });

    // 1. The user asks how the bot is; the graph's LLM calls the client's tool.
    const asked = log.mark;
    await playInRealTime(await loadSpeech24k('how-are-you'), append);
    await playInRealTime(silence24k(600), append);
    const started = await log.next('input_audio_buffer.speech_started', { from: asked });
    expect(started.audio_start_ms).toBeGreaterThanOrEqual(0);
    expect(started.item_id).toMatch(/^item_/);
    const stopped = await log.next('input_audio_buffer.speech_stopped', { from: asked });
    expect(stopped.item_id).toBe(started.item_id);
    expect(stopped.audio_end_ms).toBeGreaterThan(started.audio_start_ms);
    const transcript = await log.next('conversation.item.input_audio_transcription.completed', {
      from: asked,
      timeoutMs: 15_000,
    });
    // pocketsphinx sometimes mishears the end under load ("how are you to it today"); the intent needs only the start.
    expect(transcript.transcript).toMatch(/^how are you\b/);

    const call = await log.next('response.function_call_arguments.done', {
      from: asked,
      timeoutMs: 15_000,
    });
    expect(call).toMatchObject({ name: CLIENT_TOOL, output_index: expect.any(Number) });
    expect(JSON.parse(call.arguments)).toEqual({ day: 'today' });
    const callItem = await log.next('response.output_item.done', {
      from: asked,
      match: (e) => e.item.type === 'function_call',
    });
    expect(callItem.item).toMatchObject({
      type: 'function_call',
      status: 'completed',
      name: CLIENT_TOOL,
      call_id: call.call_id,
      id: call.item_id,
    });
    const callDone = await log.next('response.done', {
      from: asked,
      match: (e) => e.response.id === call.response_id,
    });
    expect(callDone.response.status).toBe('completed');
    expect(callDone.response.output).toEqual([
      expect.objectContaining({ type: 'function_call', call_id: call.call_id }),
    ]);

    // 2. The client runs it and asks for the rest of the answer.
    const answered = log.mark;
    rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'function_call_output',
        call_id: call.call_id,
        output: JSON.stringify({ mood: MOOD }),
      },
    });
    rt.send({ type: 'response.create' });
    const outputAdded = await log.next('conversation.item.added', {
      from: answered,
      match: (e) => e.item.type === 'function_call_output',
    });
    expect(outputAdded.item.call_id).toBe(call.call_id);
    const reply = await log.next('response.created', { from: answered });
    expect(reply.response.status).toBe('in_progress');
    const firstAudio = await log.next('response.output_audio.delta', {
      from: answered,
      match: (e) => e.response_id === reply.response.id,
      timeoutMs: 15_000,
    });
    expect(firstAudio).toMatchObject({
      item_id: expect.any(String),
      output_index: 0,
      content_index: 0,
    });
    const words = await log.next('response.output_audio_transcript.delta', {
      from: answered,
      match: (e) => e.response_id === reply.response.id,
    });
    expect(MOOD.startsWith(words.delta.trim())).toBe(true);

    // Let a second of the answer play, then barge in.
    await new Promise((r) => setTimeout(r, 1200));
    const heard = audioOf(reply.response.id).map((e) => fromBase64(e.delta));
    const heardSamples = heard.reduce((n, s) => n + s.length, 0);
    expect(heardSamples).toBeGreaterThan(REALTIME_RATE * 0.8);
    const joined = new Int16Array(heardSamples);
    let offset = 0;
    for (const s of heard) {
      joined.set(s, offset);
      offset += s.length;
    }
    expect(rms(joined)).toBeGreaterThan(300);

    const bargeIn = log.mark;
    const playing = playInRealTime(await loadSpeech24k('stop'), append);
    const interrupted = await log.next('input_audio_buffer.speech_started', {
      from: bargeIn,
      timeoutMs: 5000,
    });
    const cancelled = await log.next('response.done', {
      from: bargeIn,
      match: (e) => e.response.id === reply.response.id,
    });
    expect(cancelled.response.status).toBe('cancelled');
    expect(cancelled.response.status_details).toMatchObject({
      type: 'cancelled',
      reason: 'turn_detected',
    });
    expect(cancelled.at - interrupted.at).toBeLessThan(2000);
    const message = cancelled.response.output.find((o: { type: string }) => o.type === 'message');
    expect(message).toMatchObject({ role: 'assistant', status: 'incomplete' });
    // Audio stops: nothing of the cancelled response after its response.done.
    await playing;
    await playInRealTime(silence24k(300), append);
    expect(audioOf(reply.response.id, log.events.indexOf(cancelled))).toHaveLength(0);

    // The client tells the server what it played (as the official clients do), then reads the item back.
    const truncatedAt = log.mark;
    rt.send({
      type: 'conversation.item.truncate',
      item_id: firstAudio.item_id,
      content_index: 0,
      audio_end_ms: 900,
    });
    const truncated = await log.next('conversation.item.truncated', { from: truncatedAt });
    expect(truncated).toMatchObject({
      item_id: firstAudio.item_id,
      content_index: 0,
      audio_end_ms: 900,
    });
    rt.send({ type: 'conversation.item.retrieve', item_id: firstAudio.item_id });
    const retrieved = await log.next('conversation.item.retrieved', { from: truncatedAt });
    expect(retrieved.item).toMatchObject({
      id: firstAudio.item_id,
      type: 'message',
      role: 'assistant',
    });

    // 3. The barge-in is answered as a new turn ("Okay." when pocketsphinx hears "stop"); the conversation goes on.
    const next = await log.next('response.done', {
      from: bargeIn,
      match: (e) => e.response.id !== reply.response.id,
      timeoutMs: 15_000,
    });
    expect(next.response.status).toBe('completed');
    expect(next.response.output[0].content[0].transcript).not.toBe('');
    expect(audioOf(next.response.id).length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    expect(log.events.every((e) => typeof e.event_id === 'string')).toBe(true);
  });

  it('answers a typed message on response.create, and refuses a second turn while a function call waits', {
    timeout: 30_000,
  }, async () => {
    const c = await openSdkClient(t.url, GRAPH);
    await c.log.next('session.created', { timeoutMs: 20_000 });
    c.rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'hello there' }],
      },
    });
    const added = await c.log.next('conversation.item.added', {
      match: (e) => e.item.role === 'user',
    });
    expect(added.item).toMatchObject({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'hello there' }],
      status: 'completed',
    });
    const asked = c.log.mark;
    c.rt.send({ type: 'response.create', event_id: 'evt_r1' });
    const created = await c.log.next('response.created', { from: asked });
    // Nothing else may come between the request and response.created: clients wait for it before sending more.
    expect(c.log.events.slice(asked).map((e) => e.type)[0]).toBe('response.created');
    const said = await c.log.next('response.output_audio_transcript.done', {
      from: asked,
      timeoutMs: 15_000,
    });
    expect(said.transcript).toMatch(/^Hello! I am Parley\./);
    const done = await c.log.next('response.done', {
      from: asked,
      match: (e) => e.response.id === created.response.id,
    });
    expect(done.response.status).toBe('completed');
    expect(
      c.log
        .ofType('response.output_audio.delta', asked)
        .filter((e) => e.response_id === created.response.id).length,
    ).toBeGreaterThan(10);

    // A response that calls a tool the client has declared, then response.create before the client answered it.
    c.rt.send({ type: 'session.update', session: { type: 'realtime', tools: [GET_MOOD_TOOL] } });
    await c.log.next('session.updated');
    const second = c.log.mark;
    c.rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'how are you' }],
      },
    });
    c.rt.send({ type: 'response.create' });
    const call = await c.log.next('response.function_call_arguments.done', { from: second });
    await c.log.next('response.done', {
      from: second,
      match: (e) => e.response.id === call.response_id,
    });
    c.rt.send({ type: 'response.create', event_id: 'evt_r2' });
    await waitFor(() => c.errors.length > 0, 3000, 'an error event');
    expect(String(c.errors[0])).toMatch(
      new RegExp(
        `function call '${call.call_id}' is waiting for its function_call_output.*event_id=evt_r2`,
      ),
    );
    // Answering it lets the same turn finish.
    c.rt.send({
      type: 'conversation.item.create',
      item: {
        type: 'function_call_output',
        call_id: call.call_id,
        output: JSON.stringify({ mood: 'Fine, thanks.' }),
      },
    });
    c.rt.send({ type: 'response.create' });
    const answer = await c.log.next('response.output_audio_transcript.done', {
      from: second,
      timeoutMs: 15_000,
    });
    expect(answer.transcript.trim()).toBe('Fine, thanks.');
    c.rt.close();
  });
});
