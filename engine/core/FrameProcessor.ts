import { type Clock, realClock } from './Clock.ts';
import { FrameQueue } from './FrameQueue.ts';
import {
  createFrame,
  dropsOnInterrupt,
  type Frame,
  type FrameOf,
  type FramePayloads,
  type FrameType,
  frameSpec,
} from './frames.ts';
import { type Logger, silentLogger } from './Logger.ts';
import { parseSettingsUpdate, type SettingsSchema } from './settingsUpdate.ts';

export type Direction = 'downstream' | 'upstream';

/** Where a processor's pushes go; the graph runtime (or a test harness) provides it. */
export type FrameSink = (frame: Frame, direction: Direction, from: FrameProcessor) => void;

/** What the runtime hands a processor when it is placed in a graph. */
export interface ProcessorEnvironment {
  clock: Clock;
  logger: Logger;
  sink: FrameSink;
}

export interface ProcessorStats {
  framesIn: number;
  framesOut: number;
  errors: number;
  queueDepth: number;
}

type ProcessResult = void | Promise<void>;

/** Shared abort reason: building a DOMException per interrupt per processor is measurable. */
const INTERRUPTED = new DOMException('interrupted', 'AbortError');

function isPromise(value: unknown): value is Promise<void> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Promise<void>).then === 'function'
  );
}

/**
 * Base class of every processor. Subclasses implement `process()`; the base
 * gives them the rules of DESIGN.md for free:
 *
 * 1. data and control frames reach `process()` one at a time, in order — a
 *    processor that returns synchronously pays for no promise;
 * 2. system frames reach `process()` at once, even while async work is in flight;
 * 3. `interrupt` aborts `this.signal`, drops queued frames of the response and
 *    silences whatever the in-flight call still pushes downstream;
 * 4. exceptions and rejections become `error` frames pushed upstream;
 * 5. `start` runs `onStart()` before any queued frame, `end` drains then runs
 *    `onStop()`, `cancel` runs `onStop()` at once.
 *
 * Lifecycle frames (`start`, `end`, `cancel`, `interrupt`) and settings updates
 * addressed to this processor are handled by the base and forwarded
 * automatically; `process()` never sees them.
 */
export abstract class FrameProcessor {
  readonly id: string;
  /**
   * The schema that defines this processor's settings (its node's config), for
   * processors that take live updates: a `settings.update` is parsed by it
   * before `onSettings` sees it, and refused, naming the key, if it does not
   * fit. Without one, every update is refused.
   */
  protected readonly settingsSchema?: SettingsSchema;
  protected clock: Clock = realClock;
  protected logger: Logger = silentLogger;

  #sink: FrameSink | undefined;
  readonly #queue = new FrameQueue<Direction>();
  #busy = false;
  #pumping = false;
  /** The call in flight was started before an interrupt: its downstream output is stale. */
  #staleInFlight = false;
  #stopped = false;
  #released = false;
  /** Created on first use of `signal`: a processor that never awaits anything pays nothing for it. */
  #controller: AbortController | undefined;
  /** Counts interrupts; queued frames of an older epoch that belong to a response are skipped. */
  #epoch = 0;
  #idleWaiters: Array<() => void> = [];
  readonly #counters = { framesIn: 0, framesOut: 0, errors: 0 };

  constructor(id: string) {
    this.id = id;
  }

  /** Called by the runtime before the first frame. */
  attach(env: ProcessorEnvironment): void {
    this.clock = env.clock;
    this.logger = env.logger;
    this.#sink = env.sink;
  }

  /** Aborted when the user interrupts or the session is cancelled; pass it to every request. */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    return this.#controller.signal;
  }

  get stats(): ProcessorStats {
    return { ...this.#counters, queueDepth: this.#queue.length + (this.#busy ? 1 : 0) };
  }

  get isStopped(): boolean {
    return this.#stopped;
  }

  /** Entry point: the runtime delivers every frame here. */
  receive(frame: Frame, direction: Direction): void {
    if (this.#stopped) return;
    this.#counters.framesIn++;
    if (frameSpec(frame.type).class === 'system') {
      this.#receiveSystem(frame, direction);
      return;
    }
    this.#queue.push(frame, direction, this.#epoch);
    this.#pump();
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (!this.#busy && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Queues a live settings change, applied in order with data. */
  updateSettings(settings: Record<string, unknown>): void {
    this.receive(this.frame('settings.update', { target: this.id, settings }), 'downstream');
  }

  /** Handle one data, control or non-lifecycle system frame. The default passes it on. */
  protected process(frame: Frame, direction: Direction): ProcessResult {
    this.push(frame, direction);
  }

  /** Open connections, load models. Frames queue until it resolves. */
  protected onStart(_frame: FrameOf<'start'>): ProcessResult {}

  /** Called on `end` after everything before it was processed: finish background work. */
  protected onEnd(): ProcessResult {}

  /** Release resources. Runs exactly once, on `end` or `cancel`. */
  protected onStop(): ProcessResult {}

  /** Extra clean-up on interrupt (clear buffers, cancel a socket's response). */
  protected onInterrupt(): void {}

  /**
   * A live settings update addressed to this node, already parsed by
   * `settingsSchema`: only the keys it changes, with valid values. Throw to
   * reject it.
   */
  protected onSettings(_update: Record<string, unknown>): void {}

  protected push(frame: Frame, direction: Direction = 'downstream'): void {
    if (this.#stopped && frame.type !== 'end' && frame.type !== 'cancel') return;
    if (this.#staleInFlight && direction === 'downstream' && dropsOnInterrupt(frame)) return;
    this.#counters.framesOut++;
    this.#sink?.(frame, direction, this);
  }

  /**
   * Push from background work (a socket callback, a stream reader) that was
   * started under `signal`: dropped if an interrupt happened since.
   */
  protected pushIfCurrent(
    signal: AbortSignal,
    frame: Frame,
    direction: Direction = 'downstream',
  ): void {
    if (signal.aborted && dropsOnInterrupt(frame)) return;
    this.push(frame, direction);
  }

  protected frame<T extends FrameType>(type: T, payload: FramePayloads[T]): FrameOf<T> {
    return createFrame(type, payload, this.clock.now());
  }

  protected pushError(error: unknown, fatal = false): void {
    this.#counters.errors++;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn({ node: this.id, err: message }, 'processor error');
    this.push(this.frame('error', { message, source: this.id, fatal }), 'upstream');
  }

  protected pushMetric(
    name: string,
    value: number,
    detail?: Record<string, number | string>,
  ): void {
    this.push(this.frame('metrics', { metrics: [{ name, source: this.id, value, detail }] }));
  }

  #receiveSystem(frame: Frame, direction: Direction): void {
    switch (frame.type) {
      case 'start':
        // Forward first so downstream processors start in parallel; our own
        // queue stays closed behind the start frame until onStart resolves.
        this.push(frame, direction);
        this.#queue.unshift(frame, direction, this.#epoch);
        this.#pump();
        return;
      case 'interrupt':
        this.#interruptNow();
        this.push(frame, direction);
        return;
      case 'cancel':
        this.push(frame, direction);
        this.#interruptNow();
        this.#queue.clear();
        this.#stopped = true;
        void this.#release(); // cancel does not wait for clean-up; #guard reports a failure
        this.#notifyIdle();
        return;
      default:
        this.#invoke(frame, direction);
    }
  }

  #interruptNow(): void {
    this.#controller?.abort(INTERRUPTED);
    this.#controller = undefined;
    if (this.#busy) this.#staleInFlight = true;
    // O(1): queued frames of the response are skipped when reached, not searched for now.
    this.#epoch++;
    try {
      this.onInterrupt();
    } catch (error) {
      this.pushError(error);
    }
  }

  #pump(): void {
    if (this.#pumping) return; // re-entrant push back into us: the outer loop picks it up
    this.#pumping = true;
    try {
      while (!this.#busy && this.#queue.length > 0 && !this.#stopped) {
        const item = this.#queue.shift()!;
        if (item.epoch !== this.#epoch && dropsOnInterrupt(item.frame)) continue;
        this.#busy = true;
        const result = this.#runQueued(item.frame, item.direction);
        if (isPromise(result)) {
          result.then(
            () => this.#finishAsync(),
            (error: unknown) => {
              this.#reportFailure(error);
              this.#finishAsync();
            },
          );
          return;
        }
        this.#busy = false;
      }
    } finally {
      this.#pumping = false;
    }
    this.#notifyIdle();
  }

  #finishAsync(): void {
    this.#busy = false;
    this.#staleInFlight = false;
    this.#pump();
  }

  #runQueued(frame: Frame, direction: Direction): ProcessResult {
    switch (frame.type) {
      case 'start':
        return this.#guard(() => this.onStart(frame));
      case 'end':
        return this.#finishOnEnd(frame, direction);
      case 'settings.update':
        if (frame.target === this.id) {
          void this.#guard(() => this.onSettings(this.#parseSettings(frame.settings)));
          return;
        }
        break;
    }
    return this.#guard(() => this.process(frame, direction));
  }

  #parseSettings(update: Record<string, unknown>): Record<string, unknown> {
    if (this.settingsSchema) return parseSettingsUpdate(this.settingsSchema, update, this.id);
    const [key] = Object.keys(update);
    if (key !== undefined)
      throw new Error(
        `settings update for node '${this.id}': '${key}' cannot change while it runs`,
      );
    return update;
  }

  #finishOnEnd(frame: Frame, direction: Direction): ProcessResult {
    const done = (): ProcessResult => {
      const released = this.#release();
      const forward = () => {
        this.push(frame, direction);
        this.#stopped = true;
      };
      if (isPromise(released)) return released.then(forward);
      forward();
    };
    const ended = this.#guard(() => this.onEnd());
    return isPromise(ended) ? ended.then(done) : done();
  }

  /** Runs a hook, turning a synchronous throw or a rejection into an error frame. */
  #guard(hook: () => ProcessResult): ProcessResult {
    let result: ProcessResult;
    try {
      result = hook();
    } catch (error) {
      this.#reportFailure(error);
      return;
    }
    if (isPromise(result)) return result.catch((error: unknown) => this.#reportFailure(error));
    return result;
  }

  /** A system frame: handled at once, beside whatever is in flight; `#guard` reports a failure. */
  #invoke(frame: Frame, direction: Direction): void {
    void this.#guard(() => this.process(frame, direction));
  }

  #reportFailure(error: unknown): void {
    // An aborted request after an interrupt is the expected outcome, not a failure.
    if (error instanceof Error && error.name === 'AbortError') return;
    if (error instanceof DOMException && error.name === 'AbortError') return;
    this.pushError(error);
  }

  #release(): ProcessResult {
    if (this.#released) return;
    this.#released = true;
    return this.#guard(() => this.onStop());
  }

  #notifyIdle(): void {
    if (this.#busy || (this.#queue.length > 0 && !this.#stopped)) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
