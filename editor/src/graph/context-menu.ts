import type { ContextMenuPlugin } from 'rete-context-menu-plugin';
import type { NodeDescription } from '../api/types.ts';
import type { FlowNode, Schemes } from './schemes.ts';

interface Item { label: string; key: string; handler(): void; subitems?: Item[] }
interface ItemsCollection { searchBar?: boolean; list: Item[] }

export interface MenuActions {
  addNode(type: string): void;
  deleteNode(node: FlowNode): void;
  duplicateNode(node: FlowNode): void;
}

/** Groups node descriptions by category, sorted, for the palette and the context menu. */
export function groupByCategory(descriptions: Iterable<NodeDescription>): [string, NodeDescription[]][] {
  const groups = new Map<string, NodeDescription[]>();
  for (const d of descriptions) {
    const list = groups.get(d.category) ?? [];
    list.push(d);
    groups.set(d.category, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, list]) => [category, list.sort((a, b) => a.displayName.localeCompare(b.displayName))]);
}

/** The right-click menu: node types by category on the canvas, delete/duplicate on a node. */
export function contextMenuItems(descriptions: () => Iterable<NodeDescription>, actions: MenuActions) {
  return (context: 'root' | Schemes['Node'] | Schemes['Connection'], _plugin: ContextMenuPlugin<Schemes>): ItemsCollection => {
    if (context === 'root') {
      const list: Item[] = groupByCategory(descriptions()).map(([category, nodes]) => ({
        label: category,
        key: `category:${category}`,
        handler: () => undefined,
        subitems: nodes.map((d) => ({ label: d.displayName, key: d.type, handler: () => actions.addNode(d.type) })),
      }));
      return { searchBar: true, list };
    }
    if ('spec' in context) {
      return {
        searchBar: false,
        list: [
          { label: 'Duplicate', key: 'duplicate', handler: () => actions.duplicateNode(context) },
          { label: 'Delete', key: 'delete', handler: () => actions.deleteNode(context) },
        ],
      };
    }
    return { searchBar: false, list: [] };
  };
}
