import { NodeRegistry, type NodeType } from '../graph/NodeRegistry.ts';
import { cloudNodeTypes } from './cloudNodes.ts';
import { assistantTurnNode, rulesLlmNode, sentenceNode, userTurnNode, weatherToolNode } from './dialogueNodes.ts';
import { pocketsphinxSttNode } from './sttNodes.ts';
import { transportInputNode, transportOutputNode } from './transportNodes.ts';
import { espeakTtsNode, fliteTtsNode } from './ttsNodes.ts';
import { energyVadNode, sileroVadNode } from './vadNodes.ts';

/** Every node type that ships with Parley. */
export const builtinNodeTypes: NodeType[] = [
  transportInputNode,
  transportOutputNode,
  sileroVadNode,
  energyVadNode,
  pocketsphinxSttNode,
  userTurnNode,
  assistantTurnNode,
  sentenceNode,
  rulesLlmNode,
  weatherToolNode,
  fliteTtsNode,
  espeakTtsNode,
  ...cloudNodeTypes,
];

/** A registry with the built-in node types; add your own with `register()`. */
export function createDefaultRegistry(): NodeRegistry {
  const registry = new NodeRegistry();
  for (const def of builtinNodeTypes) registry.register(def);
  return registry;
}
