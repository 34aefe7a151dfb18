import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CMN_PRIOR } from './cmnPrior.ts';
import { type HelperLauncher, type HelperProcess, spawnHelper } from './HelperProcess.ts';
import {
  type BiasReport,
  CMN_MAX_FRAMES,
  CMN_PRIOR_FRAMES,
  type CmnState,
  encodeAudio,
  encodeHelperCommand,
  encodeHelperCommandWithId,
  encodeSetBias,
  encodeSetCmn,
  type HelperMessage,
  MAX_BIAS_ARPA_BYTES,
  parseHelperMessage,
} from './PocketsphinxProtocol.ts';

export type { BiasReport, CmnState } from './PocketsphinxProtocol.ts';

/** A language model mixed into the general one (see biasLanguageModel.ts). */
export interface LanguageModelBias {
  /** ARPA text, e.g. from buildBiasArpa(). */
  arpa: string;
  /** Its interpolation weight, 0 < weight < 1; the general model gets the rest. */
  weight: number;
}

/**
 * 'fast' skips pocketsphinx's second (flat-lexicon) pass and lattice rescoring:
 * the final arrives ~10 ms after the end of the turn instead of ~160 ms, for a
 * few points of WER. A voice agent wants 'fast'.
 */
export type PocketsphinxMode = 'fast' | 'accurate';

export interface PocketsphinxOptions {
  mode?: PocketsphinxMode;
  /** Audio between interim hypotheses; the helper only sends one when the text changed. 0 disables. */
  partialIntervalMs?: number;
  /** Extra pocketsphinx arguments, e.g. ['-dict', path, '-lm', path] for a custom vocabulary. */
  decoderArgs?: readonly string[];
  /**
   * Cepstral mean the decoder starts from, and returns to on resetCmn().
   * Defaults to DEFAULT_CMN_PRIOR (measured for the stock en-us model) unless
   * decoderArgs name another acoustic model (-hmm). 'model' keeps the model's
   * own initial state (feat.params' -cmninit with no weight, so the first
   * utterance's mean replaces it): only useful to measure what the prior buys.
   */
  cmnPrior?: readonly number[] | 'model';
  /**
   * The prior's weight, in 10 ms frames of speech: a caller's own mean takes
   * over at the rate this allows. See DEFAULT_CMN_PRIOR_FRAMES.
   */
  cmnPriorFrames?: number;
  /**
   * Re-estimate the cepstral mean every this many 10 ms frames during an
   * utterance, instead of only at its end, so a caller's first turn adapts
   * while it is spoken. 0 turns it off. See DEFAULT_CMN_ADAPT_FRAMES.
   */
  cmnAdaptFrames?: number;
  /** Path of the compiled helper; defaults to bin/ next to this file (scripts/build-native.sh). */
  helperPath?: string;
  /**
   * How the helper process is started: `spawnHelper` (the default) spawns one
   * that loads the models itself; a `ForkingLauncher` forks it from a zygote
   * that has them loaded already (what RecognizerPool does).
   */
  launcher?: HelperLauncher;
  startupTimeoutMs?: number;
}

export interface RecognitionResult {
  text: string;
  /** Time the helper spent finalising (not including queued audio). */
  decodeMs: number;
}

export interface PartialHypothesis {
  text: string;
}

/** The helper process died or could not be started; `start()` may be called again. */
export class PocketsphinxError extends Error {
  override name = 'PocketsphinxError';
}

/**
 * In-utterance CMN re-estimation every 200 ms, with a prior as heavy as 1 s
 * of speech: together they cut the first turn's WER on the spoken test set
 * from 55% to 46% (clean) and from 93% to 81% (20 dB noise), and left a
 * session's later turns as good or better, except on a phone line (+1.5
 * points). Measured by measureCmnAdaptation.ts; the table is in README.md.
 */
export const DEFAULT_CMN_ADAPT_FRAMES = 20;

/** The prior's weight; sphinxbase's own is 500 (CMN_PRIOR_FRAMES). See above. */
export const DEFAULT_CMN_PRIOR_FRAMES = 100;

export const DEFAULT_HELPER_PATH = fileURLToPath(
  new URL('./bin/pocketsphinx-helper', import.meta.url),
);

const STDERR_TAIL_CHARS = 2000;

interface Deferred<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/**
 * Streaming speech-to-text on a local pocketsphinx decoder. The decoder lives
 * in a process of its own (models load once, ~0.3 s of CPU, then any number
 * of utterances — or none, when it is forked from a zygote that has them),
 * so decoding never blocks the Node event loop and a decoder crash cannot
 * take the server down.
 *
 * Audio is 16 kHz mono s16; resampling is the caller's job. Utterances may be
 * pipelined: `beginUtterance()` can follow `endUtterance()` without awaiting it.
 *
 * Between utterances a session can tune the decoder to itself: its cepstral
 * mean (setCmn/resetCmn; it also adapts on its own as the caller speaks) and
 * a language model of the phrases it expects (setBias).
 */
export class PocketsphinxRecognizer {
  private readonly options: Required<
    Omit<PocketsphinxOptions, 'decoderArgs' | 'cmnPrior' | 'cmnAdaptFrames' | 'cmnPriorFrames'>
  > & {
    cmnAdaptFrames: number;
    cmnPriorFrames: number;
    decoderArgs: readonly string[];
    cmnPrior: readonly number[] | undefined;
  };
  private child: HelperProcess | undefined;
  private starting: Promise<void> | undefined;
  private closing = false;
  private stderrTail = '';
  private nextUtterance = 1;
  private openUtterance: number | undefined;
  private readonly finals = new Map<number, Deferred<RecognitionResult>>();
  private nextSync = 1;
  private readonly syncs = new Map<number, Deferred<void>>();
  private readonly cmnReads = new Map<number, Deferred<CmnState>>();
  private readonly biasReplies = new Map<number, Deferred<BiasReport>>();
  /** The bias this decoder should run with, re-applied when a crashed helper restarts. */
  private bias: { wanted: LanguageModelBias; applied: Promise<BiasReport> | undefined } | undefined;
  private cmnSize = 0;
  private readonly partialListeners = new Set<(partial: PartialHypothesis) => void>();
  private readonly errorListeners = new Set<(error: Error) => void>();
  private lastStartupMs: number | undefined;

  constructor(options: PocketsphinxOptions = {}) {
    this.options = {
      mode: options.mode ?? 'fast',
      cmnAdaptFrames: Math.max(0, Math.round(options.cmnAdaptFrames ?? DEFAULT_CMN_ADAPT_FRAMES)),
      cmnPriorFrames: Math.min(
        CMN_MAX_FRAMES,
        Math.max(0, Math.round(options.cmnPriorFrames ?? DEFAULT_CMN_PRIOR_FRAMES)),
      ),
      partialIntervalMs: options.partialIntervalMs ?? 200,
      decoderArgs: options.decoderArgs ?? [],
      cmnPrior:
        options.cmnPrior === 'model'
          ? undefined
          : (options.cmnPrior ??
            (options.decoderArgs?.includes('-hmm') ? undefined : DEFAULT_CMN_PRIOR)),
      helperPath: options.helperPath ?? DEFAULT_HELPER_PATH,
      launcher: options.launcher ?? spawnHelper,
      startupTimeoutMs: options.startupTimeoutMs ?? 15_000,
    };
  }

  /** True while a helper process is up and has loaded its models. */
  get running(): boolean {
    return this.child !== undefined && this.starting === undefined;
  }

  /** Process id of the helper, for metrics and fault-injection tests. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Wall time of the last start, spawn to models loaded. */
  get startupMs(): number | undefined {
    return this.lastStartupMs;
  }

  /** Spawns the helper and waits until its models are loaded. Idempotent; restarts after a crash. */
  start(): Promise<void> {
    if (this.starting) return this.starting;
    if (this.child) return Promise.resolve();
    this.closing = false;
    this.starting = this.launchHelper().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Opens a new utterance; an utterance still open is cancelled. Returns its id. */
  beginUtterance(): number {
    this.assertRunning('beginUtterance');
    if (this.openUtterance !== undefined) this.cancelUtterance();
    const id = this.nextUtterance;
    this.nextUtterance = (this.nextUtterance % 0xffff_ffff) + 1;
    this.openUtterance = id;
    this.send(encodeHelperCommandWithId('begin', id));
    return id;
  }

  /** Streams 16 kHz mono PCM into the open utterance. Never blocks; the pipe buffers. */
  write(pcm: Int16Array): void {
    this.assertRunning('write');
    if (this.openUtterance === undefined)
      throw new PocketsphinxError('write() outside an utterance; call beginUtterance() first');
    for (const frame of encodeAudio(pcm)) this.send(frame);
  }

  /** Closes the open utterance and resolves with its final text. */
  endUtterance(): Promise<RecognitionResult> {
    if (!this.running) return Promise.reject(this.notRunningError('endUtterance'));
    const id = this.openUtterance;
    if (id === undefined)
      return Promise.reject(new PocketsphinxError('endUtterance() without an open utterance'));
    this.openUtterance = undefined;
    return new Promise<RecognitionResult>((resolve, reject) => {
      this.finals.set(id, { resolve, reject });
      this.send(encodeHelperCommand('end'));
    });
  }

  /** Drops the open utterance, e.g. on barge-in or a false VAD trigger. No-op when none is open. */
  cancelUtterance(): void {
    if (this.openUtterance === undefined) return;
    this.openUtterance = undefined;
    if (this.child) this.send(encodeHelperCommand('cancel'));
  }

  /** Resolves once the helper has decoded everything written so far (benchmarks, tests). */
  flush(): Promise<void> {
    if (!this.running) return Promise.reject(this.notRunningError('flush'));
    const seq = this.nextSync++;
    return new Promise<void>((resolve, reject) => {
      this.syncs.set(seq, { resolve, reject });
      this.send(encodeHelperCommandWithId('sync', seq));
    });
  }

  /**
   * The decoder's current CMN state. It is re-estimated at the end of every
   * utterance, so read it between utterances to get what they taught it.
   */
  getCmn(): Promise<CmnState> {
    if (!this.running) return Promise.reject(this.notRunningError('getCmn'));
    const seq = this.nextSync++;
    return new Promise<CmnState>((resolve, reject) => {
      this.cmnReads.set(seq, { resolve, reject });
      this.send(encodeHelperCommandWithId('getCmn', seq));
    });
  }

  /**
   * Replaces the CMN state, e.g. with one saved from another decoder that
   * heard the same caller. Only between utterances: the mean must not change
   * under an utterance being decoded. `frames` is clamped to what sphinxbase
   * keeps (800); omitted, it is 500, the weight of a prior.
   */
  setCmn(state: { mean: readonly number[]; frames?: number }): void {
    this.assertRunning('setCmn');
    if (this.openUtterance !== undefined)
      throw new PocketsphinxError('setCmn() inside an utterance');
    if (state.mean.length !== this.cmnSize || !state.mean.every(Number.isFinite)) {
      throw new PocketsphinxError(
        `setCmn() needs ${this.cmnSize} finite means, got ${state.mean.length}`,
      );
    }
    const frames = Math.min(CMN_MAX_FRAMES, Math.max(0, state.frames ?? CMN_PRIOR_FRAMES));
    this.send(encodeSetCmn({ mean: state.mean, frames }));
  }

  /**
   * Back to the configured prior, forgetting what earlier utterances taught
   * the decoder: what a new caller should start from. A no-op for a model
   * without a known prior (its state is then left as it is).
   */
  resetCmn(): void {
    const prior = this.options.cmnPrior;
    if (prior) this.setCmn({ mean: prior, frames: this.options.cmnPriorFrames });
  }

  /**
   * Mixes a language model into the general one for the utterances that
   * follow (undefined: the general model alone again). Between utterances
   * only. Setting the bias already in force costs nothing, so a pooled
   * decoder that served the same graph before is ready at once. Rejects with
   * the helper's reason for a malformed or oversized model; the decoder then
   * keeps the general model.
   */
  setBias(bias: LanguageModelBias | undefined): Promise<BiasReport> {
    if (!this.running) return Promise.reject(this.notRunningError('setBias'));
    if (this.openUtterance !== undefined)
      return Promise.reject(new PocketsphinxError('setBias() inside an utterance'));
    if (bias && !(bias.weight > 0 && bias.weight < 1)) {
      return Promise.reject(
        new PocketsphinxError(`setBias() weight must be between 0 and 1, got ${bias.weight}`),
      );
    }
    // Far over the limit, the helper would take the frame for a desynced stream and quit.
    const bytes = bias ? Buffer.byteLength(bias.arpa) : 0;
    if (bytes > MAX_BIAS_ARPA_BYTES) {
      return Promise.reject(
        new PocketsphinxError(
          `setBias() language model of ${bytes} bytes, at most ${MAX_BIAS_ARPA_BYTES} are allowed`,
        ),
      );
    }
    const current = this.bias;
    if (
      current?.applied &&
      current.wanted.arpa === bias?.arpa &&
      current.wanted.weight === bias?.weight
    )
      return current.applied;
    if (!bias && !current) return Promise.resolve({ words: 0, oov: [], loadMs: 0, cached: false });
    const applied = this.sendBias(bias);
    this.bias = bias ? { wanted: bias, applied } : undefined;
    // A refused bias is not in force: the next call must send it again.
    applied.catch(() => {
      if (this.bias?.applied === applied) this.bias = undefined;
    });
    return applied;
  }

  /**
   * Asks this recognizer's launcher to build `bias` once for every decoder it starts from
   * now on (a zygote's cache; see DecoderZygote), so their `setBias` only switches to it.
   * Undefined when the launcher starts each helper afresh and cannot.
   */
  prepareLauncher(bias: LanguageModelBias): Promise<BiasReport> | undefined {
    return this.options.launcher.prepareBias?.(this.options.helperPath, this.helperArgs(), bias);
  }

  private sendBias(bias: LanguageModelBias | undefined): Promise<BiasReport> {
    const seq = this.nextSync++;
    return new Promise<BiasReport>((resolve, reject) => {
      this.biasReplies.set(seq, { resolve, reject });
      this.send(encodeSetBias(seq, bias?.weight ?? 0, bias?.arpa ?? ''));
    });
  }

  /** Interim hypotheses of the open utterance. Returns an unsubscribe function. */
  onPartial(listener: (partial: PartialHypothesis) => void): () => void {
    this.partialListeners.add(listener);
    return () => this.partialListeners.delete(listener);
  }

  /** Helper crashes (also reported through any pending endUtterance()). Returns an unsubscribe function. */
  onError(listener: (error: Error) => void): () => void {
    this.errorListeners.add(listener);
    return () => this.errorListeners.delete(listener);
  }

  /** Forgets every listener; used when a pooled recognizer changes hands. */
  removeAllListeners(): void {
    this.partialListeners.clear();
    this.errorListeners.clear();
  }

  /** Resident memory of the helper process in bytes (Linux /proc), undefined when unknown. */
  async residentBytes(): Promise<number | undefined> {
    const pid = this.child?.pid;
    if (pid === undefined) return undefined;
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      return match ? Number(match[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stops the helper (gracefully, then by force after 1 s). Pending results are rejected. */
  async close(): Promise<void> {
    this.closing = true;
    this.openUtterance = undefined;
    // A helper still being launched is stopped as it arrives (see launchHelper).
    if (!this.child && this.starting) await this.starting.catch(() => {});
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.onExit(() => resolve()));
    this.send(encodeHelperCommand('quit'));
    child.input.end();
    const timer = setTimeout(() => child.kill(), 1000);
    await exited;
    clearTimeout(timer);
  }

  /** The helper's command line: what a zygote is keyed by, so it must not vary between calls. */
  private helperArgs(): string[] {
    return [
      ...(this.options.mode === 'fast' ? ['-fwdflat', 'no', '-bestpath', 'no'] : []),
      '-partial_ms',
      String(Math.max(0, Math.round(this.options.partialIntervalMs))),
      ...(this.options.cmnPrior
        ? [
            '-cmn_prior',
            this.options.cmnPrior.join(','),
            '-cmn_prior_frames',
            String(this.options.cmnPriorFrames),
          ]
        : []),
      ...(this.options.cmnAdaptFrames > 0
        ? ['-cmn_adapt_frames', String(this.options.cmnAdaptFrames)]
        : []),
      ...this.options.decoderArgs,
    ];
  }

  private async launchHelper(): Promise<void> {
    const args = this.helperArgs();
    const startedAt = performance.now();
    this.stderrTail = '';
    let child: HelperProcess;
    try {
      child = await this.options.launcher.launch(this.options.helperPath, args);
    } catch (error) {
      throw new PocketsphinxError(error instanceof Error ? error.message : String(error));
    }
    if (this.closing) {
      await new Promise<void>((resolve) => {
        child.onExit(() => resolve());
        child.kill();
      });
      throw new PocketsphinxError('recognizer closed');
    }
    this.child = child;

    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        reject(
          new PocketsphinxError(
            `pocketsphinx helper did not load its models within ${this.options.startupTimeoutMs} ms`,
          ),
        );
        child.kill();
      }, this.options.startupTimeoutMs);

      child.onExit((code, signal) => {
        clearTimeout(timer);
        const stderr = this.stderrTail.trim();
        const failure = new PocketsphinxError(
          `pocketsphinx helper exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})` +
            (stderr ? `: ${stderr}` : ''),
        );
        if (!ready) reject(failure);
        this.handleExit(child, failure);
      });
      // A write racing a crash fails with EPIPE; the exit handler reports the crash.
      child.input.on('error', () => {});
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
      });
      const lines = createInterface({ input: child.output });
      // A socket reset by a dying decoder: the exit handler reports it (readline re-emits it, unhandled otherwise).
      lines.on('error', () => {});
      lines.on('line', (line) => {
        const message = parseHelperMessage(line);
        if (!message) return;
        if (message.type === 'ready' && !ready) {
          ready = true;
          clearTimeout(timer);
          this.cmnSize = message.cmnSize;
          this.lastStartupMs = performance.now() - startedAt;
          this.reapplyBias();
          resolve();
          return;
        }
        this.handleMessage(message);
      });
    });
  }

  private handleMessage(message: HelperMessage): void {
    switch (message.type) {
      case 'partial':
        // Partials of an ended utterance still count until its final; a cancelled one's are stale.
        if (message.utt === this.openUtterance || this.finals.has(message.utt)) {
          for (const listener of this.partialListeners) listener({ text: message.text });
        }
        break;
      case 'final': {
        const pending = this.finals.get(message.utt);
        this.finals.delete(message.utt);
        pending?.resolve({ text: message.text, decodeMs: message.decodeMs });
        break;
      }
      case 'sync': {
        const pending = this.syncs.get(message.seq);
        this.syncs.delete(message.seq);
        pending?.resolve();
        break;
      }
      case 'cmn': {
        const pending = this.cmnReads.get(message.seq);
        this.cmnReads.delete(message.seq);
        pending?.resolve({ mean: message.mean, frames: message.frames });
        break;
      }
      case 'bias': {
        const pending = this.biasReplies.get(message.seq);
        this.biasReplies.delete(message.seq);
        pending?.resolve({
          words: message.words,
          oov: message.oov,
          loadMs: message.loadMs,
          cached: message.cached,
        });
        break;
      }
      case 'error': {
        const error = new PocketsphinxError(`pocketsphinx helper: ${message.message}`);
        const pending = message.seq === undefined ? undefined : this.biasReplies.get(message.seq);
        if (pending && message.seq !== undefined) {
          this.biasReplies.delete(message.seq);
          pending.reject(error);
          break;
        }
        // Protocol misuse the helper survived; this class prevents it, so it is a bug worth surfacing.
        this.emitError(error);
        break;
      }
      case 'ready':
        break;
    }
  }

  private handleExit(child: HelperProcess, failure: PocketsphinxError): void {
    if (this.child !== child) return; // a helper this recognizer has already replaced
    this.child = undefined;
    this.openUtterance = undefined;
    const reason = this.closing ? new PocketsphinxError('recognizer closed') : failure;
    for (const pending of this.finals.values()) pending.reject(reason);
    for (const pending of this.syncs.values()) pending.reject(reason);
    for (const pending of this.cmnReads.values()) pending.reject(reason);
    for (const pending of this.biasReplies.values()) pending.reject(reason);
    this.biasReplies.clear();
    this.finals.clear();
    this.syncs.clear();
    this.cmnReads.clear();
    if (!this.closing) this.emitError(failure);
  }

  /** A restarted helper starts on the general model; the bias the caller asked for comes back. */
  private reapplyBias(): void {
    const bias = this.bias;
    if (!bias) return;
    bias.applied = this.sendBias(bias.wanted);
    bias.applied.catch((error: Error) => this.emitError(error));
  }

  private emitError(error: Error): void {
    for (const listener of this.errorListeners) listener(error);
  }

  private send(frame: Buffer): void {
    const child = this.child;
    if (child?.input.writable) child.input.write(frame);
  }

  private assertRunning(method: string): void {
    if (!this.running) throw this.notRunningError(method);
  }

  private notRunningError(method: string): PocketsphinxError {
    return new PocketsphinxError(
      `${method}() while the pocketsphinx helper is not running; call start() first`,
    );
  }
}
