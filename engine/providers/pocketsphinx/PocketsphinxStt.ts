import { Resampler } from '../../audio/Resampler.ts';
import type { FrameOf } from '../../core/frames.ts';
import { PreRollBuffer } from '../../services/stt/PreRollBuffer.ts';
import { SttProcessor } from '../../services/stt/SttProcessor.ts';
import { sharedService } from '../sharedServices.ts';
import type { LanguageModelBias, PocketsphinxRecognizer } from './PocketsphinxRecognizer.ts';
import { RecognizerPool } from './RecognizerPool.ts';

const STT_RATE = 16000;

export interface PocketsphinxSttOptions {
  /** A phrase model mixed into the general one for this node's sessions (vocabularyBias.ts). */
  bias?: LanguageModelBias;
  pool?: RecognizerPool;
}

/**
 * One pool for the whole process: its decoders are forked from one zygote
 * that loaded the models once, so a session's decoder is ready in
 * milliseconds even when many sessions start together; one is kept warm.
 */
export function sharedRecognizerPool(): RecognizerPool {
  return sharedService('pocketsphinx', () => new RecognizerPool({ warm: 1, maxIdle: 2, max: 64 }));
}

/**
 * Local streaming speech-to-text with pocketsphinx (Debian package, CMU
 * US English model): audio is decoded while the user speaks, with interim
 * hypotheses, and finalised on the VAD's end of speech — milliseconds after,
 * since the work was already done. Needs a VAD upstream.
 */
export class PocketsphinxStt extends SttProcessor {
  private recognizer: PocketsphinxRecognizer | undefined;
  private resampler: Resampler | undefined;
  private readonly preRoll = new PreRollBuffer(STT_RATE, 1500);
  private listening = false;
  private detach: Array<() => void> = [];

  private readonly pool: RecognizerPool;
  private readonly bias: LanguageModelBias | undefined;

  constructor(id: string, options: PocketsphinxSttOptions = {}) {
    super(id, {});
    this.pool = options.pool ?? sharedRecognizerPool();
    this.bias = options.bias;
  }

  protected override async onStart(frame: FrameOf<'start'>): Promise<void> {
    // Once per process and bias (the first session of a graph waits for it, ~0.5 s):
    // every decoder forked afterwards has the biased search ready instead of building it.
    if (this.bias)
      await this.pool
        .prepareBias(this.bias)
        .catch((error: unknown) =>
          this.logger.warn(
            { node: this.id, err: error },
            'bias not prepared in the decoder zygote; each decoder builds its own',
          ),
        );
    this.recognizer = await this.pool.acquire();
    this.detach.push(
      this.recognizer.onPartial(({ text }) => {
        if (this.listening) this.pushInterim(text);
      }),
      this.recognizer.onError((error) => this.pushError(error)),
    );
    this.applyBias(this.recognizer);
    if (frame.audioInSampleRate !== STT_RATE)
      this.resampler = await Resampler.create(frame.audioInSampleRate, STT_RATE);
  }

  /**
   * Also with no bias: a pooled decoder may come from a graph that had one.
   * Not awaited: building the biased search takes the decoder ~0.5 s, and the
   * helper handles commands in order, so audio that arrives meanwhile simply
   * waits for it. Only a session whose caller speaks at once sees that delay.
   */
  private applyBias(recognizer: PocketsphinxRecognizer): void {
    recognizer.setBias(this.bias).then(
      (report) => {
        if (report.oov.length > 0) {
          this.logger.warn(
            { node: this.id, words: report.oov },
            'bias phrases use words the recogniser cannot pronounce; it will never hear them',
          );
        }
      },
      (error: unknown) => this.pushError(error),
    );
  }

  protected override onStop(): void {
    for (const off of this.detach) off();
    this.detach = [];
    this.resampler?.destroy();
    if (this.recognizer) {
      if (this.listening) this.recognizer.cancelUtterance();
      this.pool.release(this.recognizer);
    }
    this.recognizer = undefined;
  }

  protected override hear(frame: FrameOf<'audio.in'>): void | Promise<void> {
    // Synchronous when no resampler has to be built: no promise per 20 ms of audio.
    if (frame.sampleRate === STT_RATE || this.resampler?.fromRate === frame.sampleRate) {
      this.feed(frame.sampleRate === STT_RATE ? frame.audio : this.resampler!.process(frame.audio));
      return;
    }
    return this.toSttRate(frame).then((pcm) => this.feed(pcm));
  }

  private feed(pcm: Int16Array): void {
    if (this.listening) this.recognizer?.write(pcm);
    else this.preRoll.add(pcm, this.clock.now());
  }

  protected override async speechStarted(frame: FrameOf<'user.speaking.started'>): Promise<void> {
    const recognizer = this.recognizer;
    if (!recognizer) return;
    const speechStartedAt = frame.speechStartedAt ?? this.clock.now();
    if (!recognizer.running) await recognizer.start(); // restart a decoder that died
    recognizer.beginUtterance();
    this.listening = true;
    for (const pcm of this.preRoll.since(speechStartedAt)) recognizer.write(pcm);
    this.preRoll.clear();
  }

  protected override finalize(): Promise<void> | void {
    const recognizer = this.recognizer;
    if (!recognizer || !this.listening) return;
    this.listening = false;
    const stoppedAt = this.clock.now();
    const answer = recognizer.endUtterance().then(({ text }) => text);
    return this.awaitFinal(answer, stoppedAt);
  }

  private async toSttRate(frame: FrameOf<'audio.in'>): Promise<Int16Array> {
    if (frame.sampleRate === STT_RATE) return frame.audio;
    if (!this.resampler || this.resampler.fromRate !== frame.sampleRate) {
      this.resampler?.destroy();
      this.resampler = await Resampler.create(frame.sampleRate, STT_RATE);
    }
    return this.resampler.process(frame.audio);
  }
}
