import { useMemo, useState } from 'react';
import type { NodeDescription } from '../api/types.ts';
import { groupByCategory } from '../graph/context-menu.ts';

export const NODE_DRAG_TYPE = 'application/x-latentflow-node';

/** Node types from the server, grouped by category; click to add, or drag onto the canvas. */
export function Palette({ nodes, onAdd }: { nodes: NodeDescription[]; onAdd(type: string): void }) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const matching = nodes.filter((n) => !q || `${n.displayName} ${n.type} ${n.category} ${n.description}`.toLowerCase().includes(q));
    return groupByCategory(matching);
  }, [nodes, query]);
  return (
    <aside className="lf-palette" data-testid="palette">
      <input type="search" placeholder="Search nodes…" value={query} onChange={(e) => setQuery(e.target.value)} aria-label="Search nodes" />
      {groups.map(([category, list]) => (
        <details key={category} open>
          <summary>{category}</summary>
          {list.map((n) => (
            <button
              key={n.type}
              type="button"
              className="lf-palette-item"
              title={n.description}
              draggable
              data-node-type={n.type}
              onDragStart={(e) => e.dataTransfer.setData(NODE_DRAG_TYPE, n.type)}
              onClick={() => onAdd(n.type)}
            >
              {n.displayName}
            </button>
          ))}
        </details>
      ))}
      {groups.length === 0 && <p className="lf-muted">No node matches.</p>}
    </aside>
  );
}
