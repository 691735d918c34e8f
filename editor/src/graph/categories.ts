import type { NodeDescription } from '../api/types.ts';

/** Groups node descriptions by category, both sorted by name, for the palette and the node menu. */
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

/** Node types whose name, type, category or description contains the query, grouped. */
export function searchNodes(descriptions: Iterable<NodeDescription>, query: string): [string, NodeDescription[]][] {
  const q = query.trim().toLowerCase();
  const matching = [...descriptions].filter((n) => !q || `${n.displayName} ${n.type} ${n.category} ${n.description}`.toLowerCase().includes(q));
  return groupByCategory(matching);
}
