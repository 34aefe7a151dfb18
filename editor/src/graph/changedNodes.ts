/**
 * Nodes whose runtime meaning changed between two versions of a graph (type,
 * config or wiring; never position). Used to mark what a save will change when
 * no live session is there to report it.
 */
import type { GraphDocument } from '#engine/browser';

export function changedNodes(before: GraphDocument | null, after: GraphDocument): string[] {
  if (!before) return after.nodes.map((n) => n.id);
  const old = new Map(before.nodes.map((n) => [n.id, n]));
  const wires = (doc: GraphDocument, id: string) =>
    doc.edges
      .filter((e) => e.source === id || e.target === id)
      .map((e) => `${e.source}>${e.target}:${e.targetHandle ?? ''}`)
      .sort()
      .join();
  return after.nodes
    .filter((n) => {
      const was = old.get(n.id);
      return (
        !was ||
        was.type !== n.type ||
        JSON.stringify(was.config) !== JSON.stringify(n.config) ||
        wires(before, n.id) !== wires(after, n.id)
      );
    })
    .map((n) => n.id);
}
