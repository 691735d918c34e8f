import { useEffect, useRef, useState } from 'react';
import type { NodeDescription } from '../api/types.ts';
import { searchNodes } from '../graph/categories.ts';

export type MenuTarget =
  | { kind: 'canvas'; x: number; y: number }
  | { kind: 'node'; x: number; y: number; nodeId: string }
  | { kind: 'link'; x: number; y: number; connectionId: string };

interface Props {
  target: MenuTarget;
  nodes: NodeDescription[];
  onAdd(type: string): void;
  onNodeAction(action: 'duplicate' | 'copy' | 'delete', nodeId: string): void;
  onRemoveLink(connectionId: string): void;
  onClose(): void;
}

/** The right-click menu: node types by category with search on the canvas, actions on a node or a link. */
export function NodeMenu({ target, nodes, onAdd, onNodeAction, onRemoveLink, onClose }: Props) {
  const [query, setQuery] = useState('');
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onPointer = (e: PointerEvent) => {
      if (!menu.current?.contains(e.target as Node)) onClose();
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('pointerdown', onPointer, true);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('pointerdown', onPointer, true);
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);

  const style = { left: Math.min(target.x, innerWidth - 240), top: Math.min(target.y, innerHeight - 320) };
  if (target.kind === 'link') {
    return (
      <div className="lf-menu" style={style} ref={menu} data-testid="node-menu" role="menu">
        <button type="button" role="menuitem" onClick={() => { onRemoveLink(target.connectionId); onClose(); }}>Delete link</button>
      </div>
    );
  }
  if (target.kind === 'node') {
    const act = (action: 'duplicate' | 'copy' | 'delete') => () => { onNodeAction(action, target.nodeId); onClose(); };
    return (
      <div className="lf-menu" style={style} ref={menu} data-testid="node-menu" role="menu">
        <button type="button" role="menuitem" onClick={act('duplicate')}>Duplicate</button>
        <button type="button" role="menuitem" onClick={act('copy')}>Copy</button>
        <button type="button" role="menuitem" onClick={act('delete')}>Delete</button>
      </div>
    );
  }
  const groups = searchNodes(nodes, query);
  const add = (type: string) => { onAdd(type); onClose(); };
  return (
    <div className="lf-menu" style={style} ref={menu} data-testid="node-menu" role="menu">
      <input autoFocus type="search" placeholder="Add node…" aria-label="Search node types" value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => { const first = groups[0]?.[1][0]; if (e.key === 'Enter' && first) add(first.type); }} />
      <div className="lf-menu-list">
        {groups.map(([category, list]) => (
          <div key={category}>
            <div className="lf-menu-category">{category}</div>
            {list.map((n) => <button key={n.type} type="button" role="menuitem" title={n.description} onClick={() => add(n.type)}>{n.displayName}</button>)}
          </div>
        ))}
        {groups.length === 0 && <div className="lf-muted">No node matches.</div>}
      </div>
    </div>
  );
}
