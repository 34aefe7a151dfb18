/**
 * The speech front end of a voice-agent graph: the chain of nodes from
 * `transport.input` to the first STT node (VAD, and whatever audio stages sit
 * before it), taken from the graph file so the eval hears exactly what the
 * agent hears. It runs as its own graph, ending in a `transport.output`.
 */
import { readFileSync } from 'node:fs';
import { type GraphDocument, migrateGraph } from '#engine';

export interface ChainNode {
  id: string;
  type: string;
  config: Record<string, unknown>;
}

export const DEFAULT_GRAPH_PATH = 'graphs/voice-agent.json';

/** Input → … → STT of the graph at `graphPath`, in order. */
export function frontEndChain(graphPath = DEFAULT_GRAPH_PATH): ChainNode[] {
  const doc = migrateGraph(JSON.parse(readFileSync(graphPath, 'utf8'))) as GraphDocument;
  return frontEndOf(doc, graphPath);
}

export function frontEndOf(doc: GraphDocument, where: string): ChainNode[] {
  const input = doc.nodes.filter((n) => n.type === 'transport.input');
  if (input.length !== 1)
    throw new Error(`${where}: expected one transport.input node, found ${input.length}`);
  const chain: ChainNode[] = [];
  let node = input[0];
  for (;;) {
    chain.push({ id: node.id, type: node.type, config: { ...(node.config ?? {}) } });
    if (node.type.startsWith('stt.')) return chain;
    const next = doc.edges.filter((e) => e.source === node.id && e.targetHandle === undefined);
    if (next.length !== 1)
      throw new Error(
        `${where}: node '${node.id}' has ${next.length} outgoing audio edges; the eval follows a single chain from transport.input to the STT node`,
      );
    const target = doc.nodes.find((n) => n.id === next[0].target);
    if (!target) throw new Error(`${where}: edge '${next[0].id}' points at a missing node`);
    if (chain.some((c) => c.id === target.id))
      throw new Error(`${where}: the chain from transport.input loops at '${target.id}'`);
    node = target;
  }
}

/** A runnable graph: the chain, then a transport.output after the STT node. */
export function chainToGraph(chain: readonly ChainNode[], name: string): GraphDocument {
  const nodes = [...chain, { id: 'eval-out', type: 'transport.output', config: {} }];
  return {
    version: 2,
    name,
    nodes: nodes.map((n, i) => ({ ...n, position: { x: i * 200, y: 0 } })),
    edges: nodes.slice(1).map((n, i) => ({
      id: `${nodes[i].id}-${n.id}`,
      source: nodes[i].id,
      target: n.id,
    })),
  } as GraphDocument;
}

export function sttNodeOf(chain: readonly ChainNode[]): ChainNode {
  const stt = chain[chain.length - 1];
  if (!stt?.type.startsWith('stt.'))
    throw new Error('offline eval: the chain does not end in an STT node');
  return stt;
}
