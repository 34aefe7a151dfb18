/**
 * What a node type looks like from outside the server: serialisable, no code.
 * `/api/node-types` returns these; the editor builds palettes, forms and
 * connection checks from them.
 */
import type { LatencyDeclaration } from './NodeLatency.ts';

export type NodeCategory = 'transport' | 'vad' | 'stt' | 'llm' | 'tool' | 'tts' | 's2s' | 'utility';

/** Frame types a node consumes or produces; '*' means any. */
export type FrameTypeList = readonly string[];

export interface NodeTypeInfo {
  type: string;
  category: NodeCategory;
  title: string;
  description: string;
  /** 'tool' nodes are attached to an LLM's tools handle and never see frames. */
  kind: 'processor' | 'tool';
  /** JSON Schema (draft 2020-12) of the config, input side: defaults are optional. */
  configSchema: Record<string, unknown>;
  consumes: FrameTypeList;
  produces: FrameTypeList;
  /** Names of environment variables the node needs; values never leave the server. */
  credentials: readonly string[];
  /** Config keys that can change in a live session without replacing the processor. */
  liveKeys: readonly string[];
  /** Whether tool nodes can connect to this node's `tools` handle. */
  acceptsTools: boolean;
  /** What the node adds to voice-to-voice latency; absent when the type does not say. */
  latency?: LatencyDeclaration;
}

export function carries(list: FrameTypeList, frameType: string): boolean {
  return list.includes('*') || list.includes(frameType);
}

/** Frame types that can travel over an edge from `source` to `target`. */
export function edgeFrameTypes(source: NodeTypeInfo, target: NodeTypeInfo): string[] {
  if (source.produces.includes('*')) return [...target.consumes];
  return source.produces.filter((type) => carries(target.consumes, type));
}
