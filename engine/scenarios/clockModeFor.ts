import type { NodeRegistry } from '../graph/NodeRegistry.ts';
import type { ReplayMode } from '../recording/ReplayPacer.ts';

/**
 * The clock a scenario can run a graph on. A virtual clock (`fast`) is exact
 * for local nodes, which keep time on the session clock, but wrong for
 * network services, whose round trips and SDK timeouts take wall time
 * (docs/recording.md). A node that declares credentials or an endpoint
 * talks to a network service, and so does every speech-to-speech node (a
 * self-hosted Moshi needs no key but is a server): such a graph runs in real
 * time. Tool nodes do not count: a scenario answers them from its script.
 */
export function clockModeFor(graph: unknown, registry: NodeRegistry): ReplayMode {
  const nodes = (graph as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return 'realtime';
  for (const node of nodes) {
    const type = (node as { type?: unknown } | null)?.type;
    const def = typeof type === 'string' ? registry.get(type) : undefined;
    if (!def) return 'realtime'; // the runner will refuse it; do not promise fast
    if (def.kind === 'tool') continue;
    const networked = (def.credentials?.length ?? 0) > 0 || def.endpoint !== undefined;
    if (networked || def.category === 's2s') return 'realtime';
  }
  return 'fast';
}
