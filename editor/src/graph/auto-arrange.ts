/**
 * A small layered layout: each node goes one column right of its furthest input, columns are
 * ordered by the average row of their inputs (one barycenter sweep) and centred vertically.
 */

export interface LayoutNode { id: string; width: number; height: number }
export interface LayoutEdge { from: string; to: string }

export interface LayoutOptions { columnGap?: number; rowGap?: number }

export function layeredLayout(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  { columnGap = 80, rowGap = 40 }: LayoutOptions = {},
): Map<string, { x: number; y: number }> {
  const ids = new Set(nodes.map((n) => n.id));
  const parents = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const edge of edges) {
    if (ids.has(edge.from) && ids.has(edge.to) && edge.from !== edge.to) parents.get(edge.to)!.push(edge.from);
  }

  const column = new Map<string, number>();
  const visiting = new Set<string>();
  const columnOf = (id: string): number => {
    const known = column.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle: the runtime will reject it, the layout just stops climbing
    visiting.add(id);
    const value = Math.max(-1, ...parents.get(id)!.map(columnOf)) + 1;
    visiting.delete(id);
    column.set(id, value);
    return value;
  };
  nodes.forEach((n) => columnOf(n.id));

  const columns: LayoutNode[][] = [];
  for (const node of nodes) (columns[column.get(node.id)!] ??= []).push(node);

  const row = new Map<string, number>();
  for (const members of columns) {
    if (!members) continue;
    const weight = (n: LayoutNode) => {
      const rows = parents.get(n.id)!.map((p) => row.get(p)).filter((r): r is number => r !== undefined);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    const originalIndex = new Map(members.map((n, i) => [n.id, i]));
    members.sort((a, b) => weight(a) - weight(b) || originalIndex.get(a.id)! - originalIndex.get(b.id)!);
    members.forEach((n, i) => row.set(n.id, i));
  }

  const positions = new Map<string, { x: number; y: number }>();
  const heights = columns.map((m) => (m ? m.reduce((sum, n) => sum + n.height, 0) + rowGap * (m.length - 1) : 0));
  const tallest = Math.max(0, ...heights);
  let x = 0;
  columns.forEach((members, index) => {
    if (!members) return;
    let y = (tallest - heights[index]) / 2;
    for (const node of members) {
      positions.set(node.id, { x, y });
      y += node.height + rowGap;
    }
    x += Math.max(...members.map((n) => n.width)) + columnGap;
  });
  return positions;
}

export interface PlacedNode extends LayoutNode { x: number; y: number }

/**
 * Lays out only `selected` (edges among them), keeping the group's top-left corner where the
 * selection was, then moves the group down past any unselected node it would cover.
 */
export function arrangeSelection(
  selected: readonly PlacedNode[],
  others: readonly PlacedNode[],
  edges: readonly LayoutEdge[],
  options: LayoutOptions = {},
): Map<string, { x: number; y: number }> {
  const gap = options.rowGap ?? 40;
  const local = layeredLayout(selected, edges, options);
  const left = Math.min(...selected.map((n) => n.x));
  let top = Math.min(...selected.map((n) => n.y));
  const width = Math.max(0, ...selected.map((n) => local.get(n.id)!.x + n.width));
  const height = Math.max(0, ...selected.map((n) => local.get(n.id)!.y + n.height));
  const covers = (o: PlacedNode) =>
    o.x < left + width + gap && o.x + o.width + gap > left && o.y < top + height + gap && o.y + o.height + gap > top;
  // Each step moves the group below one node it covered, so this ends after at most `others.length` steps.
  for (let blocker = others.find(covers); blocker; blocker = others.find(covers)) top = blocker.y + blocker.height + gap;
  return new Map([...local].map(([id, p]) => [id, { x: left + p.x, y: top + p.y }]));
}
