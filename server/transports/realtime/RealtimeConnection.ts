import type { WebSocket } from 'ws';
import type { Frame, Logger } from '#engine';
import { SLOW_READER_EVENT } from '../../net/sendBounded.ts';
import type { Session } from '../../sessions/Session.ts';
import type { SessionManager } from '../../sessions/SessionManager.ts';
import type { GraphStorage } from '../../store/GraphStorage.ts';
import { isValidGraphName } from '../../store/graphName.ts';
import { AudioRateConverter } from '../AudioRateConverter.ts';
import { DropOldestQueue } from '../DropOldestQueue.ts';
import { excerpt } from '../logExcerpt.ts';
import { openTransportSession } from '../openTransportSession.ts';
import { applySessionUpdate, type SessionSettings } from './applySessionUpdate.ts';
import { ClientToolBridge } from './ClientToolBridge.ts';
import { RealtimeEventSender } from './RealtimeEventSender.ts';
import { RealtimeGraphControls } from './RealtimeGraphControls.ts';
import { type RealtimeItem, RealtimeItems } from './RealtimeItems.ts';
import { ResponseStream } from './ResponseStream.ts';
import { decodeRealtimeAudio, encodeRealtimeAudio } from './realtimeAudio.ts';
import {
  type ClientItem,
  parseClientEvent,
  type RealtimeClientEvent,
} from './realtimeClientEvents.ts';
import { formatRate, PCM_24K, type RealtimeSessionConfig } from './realtimeSessionConfig.ts';
import { UserTurnEvents } from './UserTurnEvents.ts';

export const REALTIME_TRANSPORT = 'openai-realtime';

export interface RealtimeConnectionOptions {
  /** `?graph=`; when absent, `model` is used if it names a stored graph, else `defaultGraph`. */
  graphName: string | undefined;
  /** `?model=`: echoed in the session; may name a graph. */
  model: string | undefined;
  defaultGraph: string;
  sessions: SessionManager;
  store: GraphStorage;
  logger: Logger;
  redact: (text: string) => string;
  maxMessageBytes: number;
}

/** Client events that arrive while the graph is starting wait, up to ~10 s of 20 ms audio, ... */
const MAX_EARLY_EVENTS = 500;
/** ... and 4 MB in all (~40 s of 24 kHz audio as base64): not 500 events of 1 MB each. */
const MAX_EARLY_BYTES = 4 * 1024 * 1024;
/** Rate the graph hears: what the VAD and STT work at. */
const GRAPH_INPUT_RATE = 16000;

/**
 * One client of `/v1/realtime`, speaking the OpenAI Realtime GA protocol to
 * a cascade graph (VAD → STT → LLM → TTS). Client audio becomes `audio.in`,
 * graph events become Realtime server events, bot audio leaving
 * transport.output (paced in real time) becomes `response.output_audio.delta`.
 * Function tools the client declares are given to the graph's LLM as
 * `ClientToolBridge` tools that wait for the client's answer.
 */
export class RealtimeConnection {
  private session: Session | undefined;
  private controls: RealtimeGraphControls | undefined;
  private closed = false;
  private readonly early = new DropOldestQueue<string>(
    MAX_EARLY_EVENTS,
    MAX_EARLY_BYTES,
    (text) => text.length,
  );
  private readonly events: RealtimeEventSender;
  private readonly items = new RealtimeItems();
  private readonly tools = new ClientToolBridge();
  private readonly responses: ResponseStream;
  private readonly inbound = new AudioRateConverter(GRAPH_INPUT_RATE);
  private outbound = new AudioRateConverter(formatRate(PCM_24K));
  private settings: SessionSettings;
  private readonly sessionObjectId: string;
  private readonly createdAt = Math.floor(Date.now() / 1000);
  private readonly userTurns: UserTurnEvents;
  private cancelReason: 'client_cancelled' | undefined;
  private logger: Logger;

  constructor(
    private readonly ws: WebSocket,
    private readonly options: RealtimeConnectionOptions,
  ) {
    this.logger = options.logger.child({ transport: REALTIME_TRANSPORT });
    this.events = new RealtimeEventSender(ws);
    this.sessionObjectId = this.events.id('sess');
    this.userTurns = new UserTurnEvents(this.events, this.items, () => this.now());
    this.settings = {
      inputFormat: PCM_24K,
      outputFormat: PCM_24K,
      tools: [],
      toolChoice: 'auto',
      maxOutputTokens: 'inf',
      transcription: null,
    };
    this.responses = new ResponseStream(this.events, this.items, () => ({
      format: this.settings.outputFormat,
      voice: this.controls?.voice ?? 'default',
    }));
    ws.on('message', (data, isBinary) => this.onMessage(toText(data), isBinary));
    ws.on('close', () => this.shutdown('client disconnected'));
    // The socket closes once the client reads up to the close frame — maybe never; the graph stops now.
    ws.once(SLOW_READER_EVENT, () => this.shutdown('client stopped reading'));
    void this.open();
  }

  private async resolveGraph(): Promise<string> {
    const { graphName, model, store, defaultGraph } = this.options;
    if (graphName) return graphName;
    // `model` naming a stored graph lets SDKs that only set ?model= choose the graph.
    if (model && isValidGraphName(model) && (await store.get(model).catch(() => undefined)))
      return model;
    return defaultGraph;
  }

  private async open(): Promise<void> {
    const graph = await this.resolveGraph();
    const session = await openTransportSession({
      sessions: this.options.sessions,
      graph,
      transport: REALTIME_TRANSPORT,
      // Close reasons are limited to 123 bytes.
      close: (reason) => this.ws.close(1000, reason.slice(0, 120)),
      logger: this.logger,
      isClosed: () => this.closed,
      onStartFailed: (problem) => {
        this.events.error(this.options.redact(problem.message), {
          type: 'server_error',
          code: problem.closeCode === 4404 ? 'graph_not_found' : 'graph_cannot_start',
        });
        this.ws.close(problem.closeCode, problem.message.slice(0, 120));
        this.shutdown('start failed');
      },
      onEnded: (reason) => this.shutdown(reason),
    });
    if (!session) return;
    this.session = session;
    this.logger = session.logger.child({ transport: REALTIME_TRANSPORT });
    this.controls = new RealtimeGraphControls(session);
    session.on('frame', this.onGraphFrame);
    session.on('output', this.onGraphOutput);
    // A reload re-wires the LLM's tools from the graph alone; the client's declared tools go back on.
    session.on('reload', () => this.controls?.setClientTools(this.tools.tools));
    this.events.send({ type: 'session.created', session: this.sessionConfig() });
    for (const text of this.early.drain()) this.onClientText(text);
  }

  private sessionConfig(): RealtimeSessionConfig {
    const controls = this.controls!;
    return {
      type: 'realtime',
      object: 'realtime.session',
      id: this.sessionObjectId,
      model: this.options.model ?? this.session?.graphName ?? '',
      output_modalities: ['audio'],
      instructions: controls.instructions,
      tools: this.settings.tools,
      tool_choice: this.settings.toolChoice,
      max_output_tokens: this.settings.maxOutputTokens,
      tracing: null,
      truncation: 'auto',
      prompt: null,
      expires_at: this.createdAt + 3600,
      include: null,
      audio: {
        input: {
          format: this.settings.inputFormat,
          transcription: this.settings.transcription,
          noise_reduction: null,
          turn_detection: controls.turnDetection,
        },
        output: { format: this.settings.outputFormat, voice: controls.voice, speed: 1 },
      },
    };
  }

  private onMessage(text: string, isBinary: boolean): void {
    if (this.closed) return;
    if (isBinary) {
      this.events.error(
        'binary messages are not part of the Realtime protocol; send JSON events as text',
        { code: 'invalid_event' },
      );
      return;
    }
    const bytes = Buffer.byteLength(text);
    if (bytes > this.options.maxMessageBytes) {
      this.events.error(
        `event of ${bytes} bytes exceeds the limit of ${this.options.maxMessageBytes}; send audio in smaller appends`,
        { code: 'message_too_large' },
      );
      return;
    }
    if (!this.session) {
      this.early.push(text);
      return;
    }
    this.onClientText(text);
  }

  private onClientText(text: string): void {
    const parsed = parseClientEvent(text);
    if (!parsed.ok) {
      this.events.error(parsed.message, {
        clientEventId: parsed.eventId,
        code: parsed.code,
        param: parsed.param,
      });
      return;
    }
    try {
      this.onClientEvent(parsed.event, this.session!);
    } catch (error) {
      this.events.error(error instanceof Error ? error.message : String(error), {
        clientEventId: parsed.event.event_id,
        type: 'server_error',
      });
    }
  }

  private onClientEvent(event: RealtimeClientEvent, session: Session): void {
    switch (event.type) {
      case 'session.update':
        this.onSessionUpdate(event.session, event.event_id);
        return;
      case 'input_audio_buffer.append':
        this.onAudio(event.audio, session, event.event_id);
        return;
      case 'input_audio_buffer.commit': {
        // The graph's VAD ends turns itself; a manual commit is acknowledged with a fresh item id.
        const itemId = this.events.id('item');
        this.events.send({
          type: 'input_audio_buffer.committed',
          previous_item_id: null,
          item_id: itemId,
        });
        return;
      }
      case 'input_audio_buffer.clear':
        this.events.send({ type: 'input_audio_buffer.cleared' });
        return;
      case 'conversation.item.create':
        this.onItemCreate(event.item, session, event.event_id);
        return;
      case 'conversation.item.retrieve': {
        const item = this.items.get(event.item_id);
        if (item) this.events.send({ type: 'conversation.item.retrieved', item });
        else this.itemNotFound(event.item_id, event.event_id);
        return;
      }
      case 'conversation.item.delete':
        if (this.items.delete(event.item_id))
          this.events.send({ type: 'conversation.item.deleted', item_id: event.item_id });
        else this.itemNotFound(event.item_id, event.event_id);
        return;
      case 'conversation.item.truncate':
        // transport.output already wrote into the engine's conversation what was played (it paces in real time);
        // the client's figure is acknowledged as the protocol expects.
        if (!this.items.get(event.item_id)) {
          this.itemNotFound(event.item_id, event.event_id);
          return;
        }
        this.events.send({
          type: 'conversation.item.truncated',
          item_id: event.item_id,
          content_index: event.content_index,
          audio_end_ms: Math.floor(event.audio_end_ms),
        });
        return;
      case 'response.create':
        this.onResponseCreate(session, event.event_id);
        return;
      case 'response.cancel':
        if (!this.responses.active && this.tools.pendingCount === 0) {
          this.events.error('Cancellation failed: no active response found', {
            code: 'response_cancel_not_active',
            clientEventId: event.event_id,
          });
          return;
        }
        this.cancelReason = 'client_cancelled';
        session.push(
          session.runner.createFrame('interrupt', { reason: 'client cancelled the response' }),
        );
        return;
    }
  }

  private onSessionUpdate(update: Record<string, unknown>, eventId: string | undefined): void {
    const outcome = applySessionUpdate(update, this.settings, this.controls!, this.tools);
    for (const problem of outcome.problems)
      this.events.error(problem.message, {
        code: 'invalid_value',
        param: problem.param,
        clientEventId: eventId,
      });
    if (outcome.refused) return;
    if (outcome.settings.outputFormat.type !== this.settings.outputFormat.type) {
      this.outbound.destroy();
      this.outbound = new AudioRateConverter(formatRate(outcome.settings.outputFormat));
    }
    this.settings = outcome.settings;
    this.events.send({ type: 'session.updated', session: this.sessionConfig() });
  }

  private itemNotFound(itemId: string, eventId: string | undefined): void {
    this.events.error(`no item with id '${excerpt(itemId, 64)}'`, {
      code: 'item_not_found',
      param: 'item_id',
      clientEventId: eventId,
    });
  }

  private onAudio(base64: string, session: Session, eventId: string | undefined): void {
    const format = this.settings.inputFormat;
    const decoded = decodeRealtimeAudio(base64, format);
    if ('problem' in decoded) {
      this.events.error(decoded.problem, {
        code: 'invalid_value',
        param: 'audio',
        clientEventId: eventId,
      });
      return;
    }
    const samples = decoded.samples;
    if (samples.length === 0) return;
    const rate = formatRate(format);
    this.userTurns.appended((samples.length / rate) * 1000);
    this.inbound.convert(samples, rate, (converted) => {
      session.push(
        session.runner.createFrame('audio.in', { audio: converted, sampleRate: GRAPH_INPUT_RATE }),
      );
    });
  }

  private onItemCreate(item: ClientItem, session: Session, eventId: string | undefined): void {
    const conversation = session.runner.session.conversation;
    const text = (item.content ?? [])
      .map((c) => c.text ?? c.transcript ?? '')
      .join(' ')
      .trim();
    if (item.type === 'message' && item.role === 'user' && text)
      conversation.add({ role: 'user', content: text });
    else if (item.type === 'message' && item.role === 'assistant' && text)
      conversation.add({ role: 'assistant', content: text });
    else if (item.type === 'function_call_output') {
      if (!item.call_id || item.output === undefined) {
        this.events.error('function_call_output needs call_id and output', {
          param: 'item',
          clientEventId: eventId,
        });
        return;
      }
      // Waiting calls get their output now and resume on response.create; a late answer is only recorded.
      if (!this.tools.deliver(item.call_id, item.output))
        this.logger.info(
          { callId: excerpt(item.call_id, 64) },
          'function_call_output for a call nobody waits for',
        );
    } else if (item.type === 'message' && item.role === 'system') {
      // The engine's system prompt is the LLM node's; system messages are kept only on the client's side.
      this.logger.debug(
        { itemId: item.id === undefined ? undefined : excerpt(item.id, 64) },
        'system message item recorded but not given to the LLM; use session.instructions',
      );
    }
    const stored: RealtimeItem = {
      ...item,
      id: item.id ?? this.events.id('item'),
      object: 'realtime.item',
      status: 'completed',
    };
    const previous = this.items.put(stored);
    this.events.send({ type: 'conversation.item.added', previous_item_id: previous, item: stored });
    this.events.send({ type: 'conversation.item.done', previous_item_id: previous, item: stored });
  }

  /**
   * `response.created` goes out at once, as the Realtime API does: clients
   * (the Agents SDK's response sequencer) hold further requests until they
   * see it. What the graph says next belongs to this response.
   */
  private onResponseCreate(session: Session, eventId: string | undefined): void {
    if (this.responses.active) {
      this.events.error('Conversation already has an active response in progress', {
        code: 'conversation_already_has_active_response',
        clientEventId: eventId,
      });
      return;
    }
    if (this.tools.release() > 0) {
      this.responses.start(); // the LLM goes on with the client's function outputs
      return;
    }
    const unanswered = this.tools.unanswered;
    if (unanswered.length > 0) {
      // The LLM is still inside its turn, waiting; a second turn would queue behind it and answer twice.
      this.events.error(
        `function call ${unanswered.map((id) => `'${id}'`).join(', ')} is waiting for its function_call_output`,
        { code: 'function_call_output_missing', clientEventId: eventId },
      );
      return;
    }
    this.responses.start();
    // The LLM answers the session's conversation as it stands (the frame's copy is informational).
    const conversation = session.runner.session.conversation;
    session.push(
      session.runner.createFrame('llm.context', { messages: [...conversation.messages] }),
    );
  }

  /** Events at the moment they happen anywhere in the graph. */
  private readonly onGraphFrame = (frame: Frame): void => {
    switch (frame.type) {
      case 'user.speaking.started':
        this.userTurns.speechStarted(frame);
        return;
      case 'user.speaking.stopped':
        this.userTurns.speechStopped(frame);
        return;
      case 'transcript.final':
        this.userTurns.transcript(frame.text);
        return;
      case 'metrics':
        for (const metric of frame.metrics) this.responses.metric(metric);
        return;
      case 'llm.tool.call':
        // Before the LLM executes the calls (same tick): tell the bridge which call id comes next.
        for (const call of frame.calls)
          if (this.tools.isClientTool(call.name)) this.tools.announce(call.name, call.id);
        return;
      case 'interrupt': {
        this.outbound.reset();
        const reason = this.cancelReason ?? 'turn_detected';
        this.cancelReason = undefined;
        this.responses.finish({ status: 'cancelled', reason });
        return;
      }
      case 'error':
        this.events.send({
          type: 'error',
          error: {
            type: 'server_error',
            code: frame.fatal ? 'graph_error_fatal' : 'graph_error',
            message: this.options.redact(`${frame.source}: ${frame.message}`),
            param: null,
            event_id: null,
          },
        });
        return;
      default:
        return;
    }
  };

  /** What leaves transport.output, paced in real time; kept in order with the audio. */
  private readonly onGraphOutput = (frame: Frame): void => {
    const out = this.outbound;
    switch (frame.type) {
      case 'llm.response.start':
        out.after(() => this.responses.start());
        return;
      case 'llm.text': {
        const text = frame.text;
        out.after(() => this.responses.text(text));
        return;
      }
      case 'audio.out':
        out.convert(frame.audio, frame.sampleRate, (samples) => {
          this.responses.audio(
            encodeRealtimeAudio(samples, this.settings.outputFormat),
            (samples.length / out.targetRate) * 1000,
          );
        });
        return;
      case 'llm.tool.call': {
        const calls = frame.calls.filter((c) => this.tools.isClientTool(c.name));
        if (calls.length > 0) out.after(() => this.responses.functionCalls(calls));
        return;
      }
      case 'llm.response.end':
        out.after(() => this.responses.finish({ status: 'completed' }));
        return;
      default:
        return;
    }
  };

  private now(): number {
    return this.session?.runner.session.clock.now() ?? 0;
  }

  private shutdown(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.early.drain();
    this.tools.abandon();
    this.inbound.destroy();
    this.outbound.destroy();
    this.session?.off('frame', this.onGraphFrame);
    this.session?.off('output', this.onGraphOutput);
    this.session?.close(reason);
  }
}

function toText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
