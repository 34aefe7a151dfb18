/** Node types by category. Drag onto the canvas, or click to drop one in the middle of the view. */

import { useReactFlow } from '@xyflow/react';
import { type DragEvent, memo, useMemo, useState } from 'react';
import type { NodeTypeEntry } from '#server/wire';
import {
  CATEGORY_COLORS,
  CATEGORY_ICONS,
  CATEGORY_LABELS,
  CATEGORY_ORDER,
} from '../canvas/categoryIcons.ts';
import { PALETTE_MIME } from '../canvas/paletteMime.ts';
import { editorStore, useEditor } from '../store/editorStore.ts';

function PaletteItem({ info, onAdd }: { info: NodeTypeEntry; onAdd(type: string): void }) {
  const missing = info.credentials.filter((c) => !info.credentialsPresent?.[c]);
  const onDragStart = (event: DragEvent) => {
    event.dataTransfer.setData(PALETTE_MIME, info.type);
    event.dataTransfer.setData('text/plain', info.type);
    event.dataTransfer.effectAllowed = 'copy';
  };
  return (
    <button
      type="button"
      className="palette-item"
      draggable
      onDragStart={onDragStart}
      onClick={() => onAdd(info.type)}
      data-testid={`palette-${info.type}`}
      title={`${info.description}${missing.length ? `\nneeds ${missing.join(', ')} on the server` : ''}`}
      style={{ borderLeftColor: CATEGORY_COLORS[info.category] }}
    >
      <span className="palette-title">{info.title}</span>
      <span className="palette-type">{info.type}</span>
      {missing.length > 0 && (
        <span className="palette-key" title={`missing ${missing.join(', ')}`}>
          key
        </span>
      )}
    </button>
  );
}

export const Palette = memo(function Palette() {
  const catalogue = useEditor((s) => s.catalogue);
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const types = (catalogue?.types ?? []).filter(
      (t) => !q || `${t.type} ${t.title} ${t.description}`.toLowerCase().includes(q),
    );
    const order = [
      ...CATEGORY_ORDER,
      ...new Set(
        types
          .map((t) => t.category)
          .filter((c) => !(CATEGORY_ORDER as readonly string[]).includes(c)),
      ),
    ];
    return order
      .map((category) => ({ category, types: types.filter((t) => t.category === category) }))
      .filter((g) => g.types.length > 0);
  }, [catalogue, query]);

  const onAdd = (type: string) => {
    const el = document.querySelector('.canvas');
    const rect = el?.getBoundingClientRect();
    const center = rect
      ? { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }
      : { x: 400, y: 300 };
    const at = flow.screenToFlowPosition(center);
    // Stagger clicks so repeated adds do not stack exactly.
    const jitter = (editorStore.getState().nodes.length % 5) * 24;
    editorStore.getState().addNode(type, { x: at.x - 95 + jitter, y: at.y - 40 + jitter });
  };

  if (!catalogue)
    return (
      <aside className="palette" data-testid="palette">
        Loading node types…
      </aside>
    );
  return (
    <aside className="palette" data-testid="palette">
      <input
        className="palette-search"
        placeholder="Search nodes…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
      />
      {groups.map(({ category, types }) => (
        <section key={category} className="palette-group" data-testid={`palette-group-${category}`}>
          <h3>
            <span style={{ color: CATEGORY_COLORS[category] }}>
              {CATEGORY_ICONS[category] ?? '◆'}
            </span>{' '}
            {CATEGORY_LABELS[category] ?? category}
          </h3>
          {types.map((info) => (
            <PaletteItem key={info.type} info={info} onAdd={onAdd} />
          ))}
        </section>
      ))}
    </aside>
  );
});
