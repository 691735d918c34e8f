import { useMemo, useState } from 'react';
import type { NodeDescription } from '../api/types.ts';
import { searchNodes } from '../graph/categories.ts';

export const NODE_DRAG_TYPE = 'application/x-latentflow-node';

/** Node types from the server, grouped by category; click to add, or drag onto the canvas. */
export function Palette({ nodes, onAdd }: { nodes: NodeDescription[]; onAdd(type: string): void }) {
  const [query, setQuery] = useState('');
  const groups = useMemo(() => searchNodes(nodes, query), [nodes, query]);
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
