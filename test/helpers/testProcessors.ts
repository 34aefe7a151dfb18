/** Small processors and node types used by the engine's own tests. */
import { z } from 'zod';
import {
  createDefaultRegistry,
  type Direction,
  defineProcessorNode,
  defineToolNode,
  type Frame,
  FrameProcessor,
  type NodeRegistry,
  type Tool,
  type ToolHost,
} from '#engine';

/** Passes everything on synchronously; counts what it saw. */
export class PassThrough extends FrameProcessor {
  seen = 0;
  protected override process(frame: Frame, direction: Direction): void {
    this.seen++;
    this.push(frame, direction);
  }
}

/** Upper-cases llm.text synchronously. */
export class Upper extends FrameProcessor {
  protected override process(frame: Frame, direction: Direction): void {
    if (frame.type === 'llm.text')
      this.push(this.frame('llm.text', { text: frame.text.toUpperCase() }), direction);
    else this.push(frame, direction);
  }
}

const slowEchoSettings = z.object({
  delayMs: z.number().min(0).max(10_000).default(50),
  flavour: z.string().default('plain'),
});

/** Delays each llm.text by `delayMs` of the processor's clock, honouring its abort signal. */
export class SlowEcho extends FrameProcessor {
  protected override readonly settingsSchema = slowEchoSettings;
  aborted = 0;
  stopCount = 0;
  constructor(
    id: string,
    private delayMs: number,
  ) {
    super(id);
  }
  protected override async process(frame: Frame, direction: Direction): Promise<void> {
    if (frame.type !== 'llm.text') {
      this.push(frame, direction);
      return;
    }
    const signal = this.signal;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.aborted++;
        timer.cancel();
        reject(signal.reason);
      };
      // Removed when the delay ends: one signal serves every frame until an interrupt.
      const timer = this.clock.setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, this.delayMs);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    this.push(this.frame('llm.text', { text: `echo:${frame.text}` }), direction);
  }
  protected override onSettings(update: Partial<z.output<typeof slowEchoSettings>>): void {
    if (update.delayMs !== undefined) this.delayMs = update.delayMs;
  }
  protected override onStop(): void {
    this.stopCount++;
  }
}

const promptEchoSettings = z.object({
  prompt: z.string().default('bot'),
  model: z.string().default('m1'),
});

/** A fake "LLM" that takes tools and answers llm.context with the system prompt's name. */
export class PromptEcho extends FrameProcessor implements ToolHost {
  protected override readonly settingsSchema = promptEchoSettings;
  tools: Tool[] = [];
  constructor(
    id: string,
    public prompt: string,
  ) {
    super(id);
  }
  setTools(tools: Tool[]): void {
    this.tools = tools;
  }
  protected override onSettings(update: Partial<z.output<typeof promptEchoSettings>>): void {
    if (update.prompt !== undefined) this.prompt = update.prompt;
  }
  protected override process(frame: Frame, direction: Direction): void {
    if (frame.type === 'text.input')
      this.push(this.frame('llm.text', { text: `${this.prompt}:${frame.text}` }), direction);
    else this.push(frame, direction);
  }
}

export const testNodeTypes = [
  defineProcessorNode({
    type: 'test.pass',
    category: 'utility',
    title: 'Pass',
    description: 'passes everything',
    config: z.object({ label: z.string().default('') }),
    consumes: ['*'],
    produces: ['*'],
    create: (_c, ctx) => new PassThrough(ctx.nodeId),
  }),
  defineProcessorNode({
    type: 'test.upper',
    category: 'utility',
    title: 'Upper',
    description: 'upper-cases text',
    config: z.object({}),
    consumes: ['llm.text'],
    produces: ['llm.text'],
    create: (_c, ctx) => new Upper(ctx.nodeId),
  }),
  defineProcessorNode({
    type: 'test.slow',
    category: 'utility',
    title: 'Slow',
    description: 'delays text',
    config: slowEchoSettings,
    consumes: ['*'],
    produces: ['llm.text'],
    liveKeys: ['delayMs'],
    create: (c, ctx) => new SlowEcho(ctx.nodeId, c.delayMs),
  }),
  defineProcessorNode({
    type: 'test.llm',
    category: 'llm',
    title: 'Prompt echo',
    description: 'answers with its prompt',
    config: promptEchoSettings,
    consumes: ['text.input', 'llm.context'],
    produces: ['llm.text'],
    liveKeys: ['prompt'],
    acceptsTools: true,
    credentials: [],
    create: (c, ctx) => new PromptEcho(ctx.nodeId, c.prompt),
  }),
  defineProcessorNode({
    type: 'test.keyed',
    category: 'llm',
    title: 'Needs a key',
    description: 'needs TEST_API_KEY',
    config: z.object({}),
    consumes: ['*'],
    produces: ['*'],
    credentials: ['TEST_API_KEY'],
    create: (_c, ctx) => new PassThrough(ctx.nodeId),
  }),
  defineToolNode({
    type: 'test.tool',
    category: 'tool',
    title: 'Clock tool',
    description: 'returns a constant',
    config: z.object({ answer: z.string().default('42') }),
    create: (c) => ({
      name: 'answer',
      description: 'the answer',
      parameters: { type: 'object', properties: {} },
      timeoutMs: 1000,
      execute: async () => c.answer,
    }),
  }),
];

export function testRegistry(): NodeRegistry {
  const registry = createDefaultRegistry();
  for (const def of testNodeTypes) registry.register(def);
  return registry;
}

/** in → …middle → out, as a graph document. */
export function chainGraph(
  middle: Array<{ id: string; type: string; config?: Record<string, unknown> }>,
) {
  const nodes = [
    { id: 'in', type: 'transport.input', config: {} },
    ...middle.map((m) => ({ config: {}, ...m })),
    { id: 'out', type: 'transport.output', config: {} },
  ];
  const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: nodes[i].id, target: n.id }));
  return { version: 1, name: 'test', nodes, edges };
}
