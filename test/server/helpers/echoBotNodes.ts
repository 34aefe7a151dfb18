/**
 * Stand-ins for VAD/STT/LLM/TTS so server tests run without models: an "ear"
 * that hears energy in the microphone audio, and a bot that answers text with
 * text and a tone.
 */
import { z } from 'zod';
import { createDefaultRegistry } from '../../../engine/builtinNodes.ts';
import { type Direction, FrameProcessor } from '../../../engine/core/FrameProcessor.ts';
import type { Frame } from '../../../engine/core/frames.ts';
import { defineProcessorNode, type NodeRegistry } from '../../../engine/graph/NodeRegistry.ts';
import { testNodeTypes } from '../../helpers/testProcessors.ts';

/** Energy VAD + fake STT: speech onset → user.speaking.started + interrupt; silence → stopped + transcript. */
export class EchoEar extends FrameProcessor {
  private speaking = false;
  private speechSamples = 0;
  private silentSamples = 0;
  private lastInterimAt = 0;

  constructor(
    id: string,
    private readonly settings: { threshold: number; silenceMs: number },
  ) {
    super(id);
  }

  protected override process(frame: Frame, direction: Direction): void {
    this.push(frame, direction);
    if (frame.type !== 'audio.in') return;
    const { audio, sampleRate } = frame;
    let sum = 0;
    for (let i = 0; i < audio.length; i++) sum += audio[i] * audio[i];
    const rms = Math.sqrt(sum / Math.max(1, audio.length));
    if (rms >= this.settings.threshold) {
      this.silentSamples = 0;
      this.speechSamples += audio.length;
      if (!this.speaking) {
        this.speaking = true;
        this.lastInterimAt = 0;
        this.push(this.frame('user.speaking.started', {}));
        this.push(this.frame('interrupt', { reason: 'user started speaking' }));
      }
      const heardMs = (this.speechSamples / sampleRate) * 1000;
      if (heardMs - this.lastInterimAt >= 200) {
        this.lastInterimAt = heardMs;
        this.push(this.frame('transcript.interim', { text: `hearing ${Math.round(heardMs)} ms` }));
      }
    } else if (this.speaking) {
      this.silentSamples += audio.length;
      if ((this.silentSamples / sampleRate) * 1000 >= this.settings.silenceMs) {
        const heardMs = Math.round((this.speechSamples / sampleRate) * 1000);
        this.speaking = false;
        this.speechSamples = 0;
        this.push(this.frame('user.speaking.stopped', {}));
        this.push(this.frame('transcript.final', { text: `heard ${heardMs} ms` }));
      }
    }
  }
}

const echoBotSettings = z.object({
  prefix: z.string().default('echo'),
  replyMs: z.number().min(0).max(60_000).default(1500),
  sampleRate: z.number().int().min(8000).max(48000).default(16000),
  crashOn: z.string().default(''),
});
type EchoBotSettings = z.output<typeof echoBotSettings>;

/** Answers transcript.final / text.input with LLM text, a TTFB metric and `replyMs` of tone. */
export class EchoBot extends FrameProcessor {
  protected override readonly settingsSchema = echoBotSettings;

  constructor(
    id: string,
    private settings: EchoBotSettings,
  ) {
    super(id);
  }

  protected override onSettings(update: Partial<EchoBotSettings>): void {
    this.settings = { ...this.settings, ...update };
  }

  protected override process(frame: Frame, direction: Direction): void {
    if (
      direction !== 'downstream' ||
      (frame.type !== 'transcript.final' && frame.type !== 'text.input')
    ) {
      this.push(frame, direction);
      return;
    }
    if (this.settings.crashOn && frame.text.includes(this.settings.crashOn))
      throw new Error(`echo bot crashed on '${frame.text}'`);
    const reply = `${this.settings.prefix}: ${frame.text}`;
    this.push(this.frame('llm.response.start', {}));
    this.pushMetric('ttfb', 12.5);
    this.push(this.frame('llm.text', { text: reply }));
    this.push(this.frame('llm.response.end', {}));
    this.push(this.frame('tts.start', {}));
    this.push(this.frame('tts.text', { text: reply }));
    this.push(
      this.frame('audio.out', {
        audio: tone(this.settings.replyMs, this.settings.sampleRate),
        sampleRate: this.settings.sampleRate,
      }),
    );
    this.push(this.frame('tts.stop', {}));
  }
}

export function tone(ms: number, sampleRate: number, hz = 440, amplitude = 8000): Int16Array {
  const n = Math.round((ms / 1000) * sampleRate);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / sampleRate));
  return out;
}

export const echoBotNodeTypes = [
  defineProcessorNode({
    type: 'test.echo-ear',
    category: 'stt',
    title: 'Echo ear',
    description: 'energy VAD and fake STT',
    config: z.object({
      threshold: z.number().min(0).default(1000),
      silenceMs: z.number().min(0).max(5000).default(200),
    }),
    consumes: ['audio.in'],
    produces: [
      'user.speaking.started',
      'user.speaking.stopped',
      'transcript.interim',
      'transcript.final',
      'interrupt',
    ],
    create: (c, ctx) => new EchoEar(ctx.nodeId, c),
  }),
  defineProcessorNode({
    type: 'test.echo-bot',
    category: 'llm',
    title: 'Echo bot',
    description: 'answers text with text and a tone',
    config: echoBotSettings,
    consumes: ['transcript.final', 'text.input'],
    produces: [
      'llm.text',
      'tts.text',
      'audio.out',
      'metrics',
      'llm.response.start',
      'llm.response.end',
      'tts.start',
      'tts.stop',
    ],
    liveKeys: ['prefix'],
    create: (c, ctx) => new EchoBot(ctx.nodeId, c),
  }),
];

export function echoRegistry(): NodeRegistry {
  const registry = createDefaultRegistry();
  for (const def of [...echoBotNodeTypes, ...testNodeTypes]) registry.register(def);
  return registry;
}
