/** The per-hop columns shared by the turns table and the compare table. */
import type { HopName } from '#engine/browser';
import { HOP_LABELS, HOP_ORDER, shortHopLabel } from '../talk/waterfall.ts';

/** Whole milliseconds, or a dash for a hop that did not happen. */
export function formatMs(value: number | undefined): string {
  return value === undefined ? '—' : `${Math.round(value)}`;
}

export function HopHeaderCells() {
  return HOP_ORDER.map((hop) => (
    <th key={hop} title={HOP_LABELS[hop]}>
      {shortHopLabel(hop)}
    </th>
  ));
}

export function HopValueCells({ hops }: { hops: Partial<Record<HopName, number>> }) {
  return HOP_ORDER.map((hop) => (
    <td key={hop} className="num">
      {formatMs(hops[hop])}
    </td>
  ));
}
