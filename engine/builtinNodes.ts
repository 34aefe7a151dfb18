import { NodeRegistry, type NodeType } from './graph/NodeRegistry.ts';
import { levelNormalizeNode } from './processors/audio/nodes.ts';
import { assistantTurnNode, userTurnNode } from './processors/context/nodes.ts';
import { sentenceNode } from './processors/text/nodes.ts';
import { transportInputNode, transportOutputNode } from './processors/transport/nodes.ts';
import { energyVadNode } from './processors/vad/nodes.ts';
import { anthropicNodeTypes } from './providers/anthropic/nodes.ts';
import { deepgramNodeTypes } from './providers/deepgram/nodes.ts';
import { espeakTtsNode } from './providers/espeak/nodes.ts';
import { fliteTtsNode } from './providers/flite/nodes.ts';
import { googleNodeTypes } from './providers/google/nodes.ts';
import { moshiNodeTypes } from './providers/moshi/nodes.ts';
import { openAINodeTypes } from './providers/openai/nodes.ts';
import { clockToolNode, weatherToolNode } from './providers/openmeteo/nodes.ts';
import { pocketsphinxSttNode } from './providers/pocketsphinx/nodes.ts';
import { rnnoiseDenoiseNode } from './providers/rnnoise/nodes.ts';
import { rulesLlmNode } from './providers/rules/nodes.ts';
import { sileroVadNode } from './providers/silero/nodes.ts';

/**
 * Every node type that ships with Parley, in the editor's catalogue order.
 * Generic processors' nodes live beside them (processors/<kind>/nodes.ts),
 * each provider's in its folder (providers/<vendor>/nodes.ts): adding a
 * provider is adding its folder and its line here.
 */
export const builtinNodeTypes: NodeType[] = [
  transportInputNode,
  transportOutputNode,
  rnnoiseDenoiseNode,
  levelNormalizeNode,
  sileroVadNode,
  energyVadNode,
  pocketsphinxSttNode,
  userTurnNode,
  assistantTurnNode,
  sentenceNode,
  rulesLlmNode,
  weatherToolNode,
  clockToolNode,
  fliteTtsNode,
  espeakTtsNode,
  ...openAINodeTypes,
  ...deepgramNodeTypes,
  ...googleNodeTypes,
  ...moshiNodeTypes,
  ...anthropicNodeTypes,
];

/** A registry with the built-in node types; add your own with `register()`. */
export function createDefaultRegistry(): NodeRegistry {
  const registry = new NodeRegistry();
  for (const def of builtinNodeTypes) registry.register(def);
  return registry;
}
