import { isToolEdge, isToolHost, type Tool, type ToolHost } from '#engine';
import type { Session } from '../../sessions/Session.ts';
import { excerpt, shapeForLog } from '../logExcerpt.ts';
import type { RealtimeTurnDetection } from './realtimeSessionConfig.ts';

interface NodeRef {
  id: string;
  type: string;
  /** Validated config with defaults, updated as we change it live. */
  config: Record<string, unknown>;
}

/**
 * Maps Realtime session settings onto the nodes of a cascade graph through
 * live `settings.update` frames: instructions → the LLM's `systemPrompt`,
 * voice → the TTS node's `voice`, turn_detection → the VAD's confidence,
 * padding and stop delay (and `semantic_vad` → the user-turn node's `smart`
 * end of turn). Each change is checked against the node type's schema
 * first; what does not fit is left as it was and reported as it is.
 */
export class RealtimeGraphControls {
  private readonly llm: NodeRef | undefined;
  private readonly tts: NodeRef | undefined;
  private readonly vad: NodeRef | undefined;
  private readonly user: NodeRef | undefined;

  constructor(private readonly session: Session) {
    const runner = session.runner;
    const find = (
      match: (type: string, category: string, acceptsTools: boolean) => boolean,
    ): NodeRef | undefined => {
      for (const node of runner.graph.nodes) {
        const def = runner.registry.get(node.type);
        if (def?.kind !== 'processor') continue;
        if (!match(node.type, def.category, def.acceptsTools === true)) continue;
        const checked = runner.registry.validateConfig(node.type, node.config);
        return {
          id: node.id,
          type: node.type,
          config: checked.ok ? checked.value : { ...node.config },
        };
      }
      return undefined;
    };
    this.llm = find((_t, category, acceptsTools) => category === 'llm' && acceptsTools);
    this.tts = find((_t, category) => category === 'tts');
    this.vad = find((_t, category) => category === 'vad');
    this.user = find((type) => type === 'context.user');
  }

  get instructions(): string {
    return typeof this.llm?.config.systemPrompt === 'string' ? this.llm.config.systemPrompt : '';
  }

  get voice(): string {
    return typeof this.tts?.config.voice === 'string' ? this.tts.config.voice : 'default';
  }

  /** What the graph's VAD does, in Realtime terms; null when the graph has no VAD. */
  get turnDetection(): RealtimeTurnDetection | null {
    if (!this.vad) return null;
    const c = this.vad.config;
    return {
      type: this.user?.config.endOfTurn === 'smart' ? 'semantic_vad' : 'server_vad',
      ...(this.user?.config.endOfTurn === 'smart'
        ? { eagerness: 'auto' as const }
        : {
            threshold: num(c.confidence),
            prefix_padding_ms: Math.round(num(c.prePaddingMs)),
            silence_duration_ms: Math.round(num(c.stopMs)),
          }),
      idle_timeout_ms: null,
      // A cascade graph always answers at the end of a turn and always lets speech interrupt the bot.
      create_response: true,
      interrupt_response: true,
    };
  }

  setInstructions(text: string): void {
    if (this.llm) this.apply(this.llm, { systemPrompt: text });
  }

  setVoice(voice: string): void {
    if (this.tts) this.apply(this.tts, { voice });
  }

  setTurnDetection(td: Partial<RealtimeTurnDetection>): void {
    if (this.vad && td.type !== 'semantic_vad') {
      const settings: Record<string, unknown> = {};
      if (typeof td.threshold === 'number') settings.confidence = td.threshold;
      if (typeof td.prefix_padding_ms === 'number') settings.prePaddingMs = td.prefix_padding_ms;
      if (typeof td.silence_duration_ms === 'number') {
        settings.stopMs = Math.round(td.silence_duration_ms); // whole ms; a client may send a fraction
      }
      for (const [key, value] of Object.entries(settings)) this.apply(this.vad, { [key]: value }); // one by one: a bad value spoils only itself
    }
    if (this.user && td.type)
      this.apply(this.user, { endOfTurn: td.type === 'semantic_vad' ? 'smart' : 'vad' });
  }

  /**
   * Gives the graph's LLM the client's function tools next to its own tool
   * nodes (client tools first: same name, the client's wins). A hot reload
   * of the graph re-wires tools and drops these until the next session.update.
   */
  setClientTools(tools: Tool[]): boolean {
    const host = this.llmToolHost();
    if (!host || !this.llm) return false;
    const runner = this.session.runner;
    const graphTools = runner.graph.edges
      .filter((e) => e.target === this.llm!.id && isToolEdge(e))
      .flatMap((e) => {
        const tool = runner.nodes().get(e.source)?.tool;
        return tool ? [tool] : [];
      });
    host.setTools([...tools, ...graphTools.filter((g) => !tools.some((t) => t.name === g.name))]);
    return true;
  }

  private llmToolHost(): ToolHost | undefined {
    const processor = this.llm ? this.session.runner.processor(this.llm.id) : undefined;
    return isToolHost(processor) ? processor : undefined;
  }

  private apply(node: NodeRef, settings: Record<string, unknown>): boolean {
    const next = { ...node.config, ...settings };
    const checked = this.session.runner.registry.validateConfig(node.type, next);
    if (!checked.ok) {
      // The shapes of what was asked, not the values: a client's 900 KB instructions must not become a 900 KB log line.
      const asked = Object.fromEntries(
        Object.entries(settings).map(([key, value]) => [key, shapeForLog(value)]),
      );
      this.session.logger.info(
        { node: node.id, settings: asked, problem: excerpt(checked.issues[0]?.message ?? '') },
        'realtime setting does not fit the graph; ignored',
      );
      return false;
    }
    if (Object.entries(settings).every(([k, v]) => node.config[k] === v)) return true;
    node.config = checked.value;
    const runner = this.session.runner;
    this.session.push(runner.createFrame('settings.update', { target: node.id, settings }));
    return true;
  }
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
