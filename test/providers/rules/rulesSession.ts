import { ConversationContext } from '../../../engine/core/ConversationContext.ts';
import type { ChatToolCall, Frame } from '../../../engine/core/frames.ts';
import { createClockTool } from '../../../engine/providers/openmeteo/OpenMeteoClock.ts';
import { createWeatherTool } from '../../../engine/providers/openmeteo/OpenMeteoWeather.ts';
import { RulesLlm, rulesLlmSettings } from '../../../engine/providers/rules/RulesLlm.ts';
import { ProcessorHarness } from '../../../engine/testing/ProcessorHarness.ts';
import type { Tool } from '../../../engine/tools/Tool.ts';
import { FakeOpenMeteo } from '../../fakes/FakeOpenMeteo.ts';

/** 03:05 UTC on Friday 4 December 2026: 12:05 pm in Tokyo, still Thursday evening in New York. */
export const FIXED_NOW = new Date('2026-12-04T03:05:00Z');

export const PLACES = {
  tokyo: FakeOpenMeteo.TOKYO,
  paris: FakeOpenMeteo.PARIS,
  berlin: {
    name: 'Berlin',
    latitude: 52.52437,
    longitude: 13.41053,
    country: 'Germany',
    temperature: 4.4,
    weatherCode: 71,
    timezone: 'Europe/Berlin',
  },
  london: {
    name: 'London',
    latitude: 51.50853,
    longitude: -0.12574,
    country: 'United Kingdom',
    temperature: 7.8,
    weatherCode: 63,
    timezone: 'Europe/London',
  },
  'new york': {
    name: 'New York',
    latitude: 40.71427,
    longitude: -74.00597,
    country: 'United States',
    temperature: 1.2,
    weatherCode: 0,
    timezone: 'America/New_York',
  },
};

export interface Turn {
  /** Everything the responder said this turn. */
  said: string;
  /** The tool calls it made, arguments parsed. */
  calls: Array<{ name: string; args: Record<string, unknown> }>;
}

/**
 * One conversation with `llm.rules` (config as a graph gives it) and the
 * Open-Meteo weather and clock tools against a local fake, the way
 * context.user / context.assistant would drive it.
 */
export class RulesSession {
  readonly fake = new FakeOpenMeteo({ places: PLACES });
  readonly conversation = new ConversationContext();
  llm!: RulesLlm;
  private harness!: ProcessorHarness;

  constructor(
    private readonly config: Record<string, unknown> = {},
    private readonly tools: Array<'weather' | 'clock'> = ['weather', 'clock'],
  ) {}

  async start(): Promise<this> {
    const url = await this.fake.start();
    this.llm = new RulesLlm(
      'llm',
      this.conversation,
      rulesLlmSettings.parse(this.config),
      () => FIXED_NOW,
    );
    const tools: Tool[] = [];
    if (this.tools.includes('weather'))
      tools.push(
        createWeatherTool({
          baseUrl: url,
          geocodingBaseUrl: url,
          units: 'celsius',
          timeoutMs: 2000,
        }),
      );
    if (this.tools.includes('clock'))
      tools.push(createClockTool({ geocodingBaseUrl: url, timeoutMs: 2000 }, () => FIXED_NOW));
    this.llm.setTools(tools);
    this.harness = new ProcessorHarness(this.llm);
    await this.harness.start();
    return this;
  }

  async say(words: string): Promise<Turn> {
    const before = this.harness.downstream().length;
    this.conversation.add({ role: 'user', content: words });
    await this.harness.send(
      this.harness.frame('llm.context', { messages: [...this.conversation.messages] }),
    );
    await this.harness.idle();
    const frames = this.harness.downstream().slice(before) as Frame[];
    const said = frames
      .flatMap((f) => (f.type === 'llm.text' ? [f.text] : []))
      .join('')
      .trim();
    const calls = frames.flatMap((f) =>
      f.type === 'llm.tool.call'
        ? f.calls.map((c: ChatToolCall) => ({ name: c.name, args: JSON.parse(c.arguments) }))
        : [],
    );
    this.conversation.add({ role: 'assistant', content: said });
    return { said, calls };
  }

  async stop(): Promise<void> {
    await this.fake.stop();
  }
}
