import { isLink, type Link, type Workflow, type WorkflowNode } from './workflow.ts';

export function linksOf(node: WorkflowNode): [input: string, link: Link][] {
  return Object.entries(node.inputs ?? {}).filter((entry): entry is [string, Link] => isLink(entry[1]));
}

export function hasNode(workflow: Workflow, id: string): boolean {
  return Object.hasOwn(workflow.nodes, id);
}

/** Every cycle of links between existing nodes, each as the ids along it, e.g. ['a', 'b', 'a']. */
export function findCycles(workflow: Workflow): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const cycles: string[][] = [];

  const visit = (id: string): void => {
    state.set(id, 'visiting');
    path.push(id);
    for (const [, link] of linksOf(workflow.nodes[id])) {
      if (!hasNode(workflow, link.from)) continue;
      const seen = state.get(link.from);
      if (seen === 'visiting') cycles.push([...path.slice(path.indexOf(link.from)), link.from]);
      else if (seen === undefined) visit(link.from);
    }
    path.pop();
    state.set(id, 'done');
  };

  for (const id of Object.keys(workflow.nodes)) if (!state.has(id)) visit(id);
  return cycles;
}

/** The nodes the roots depend on, roots included, each after all of its producers. The graph must be acyclic. */
export function executionOrder(workflow: Workflow, roots: string[]): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  const place = (id: string): void => {
    if (placed.has(id)) return;
    placed.add(id);
    for (const [, link] of linksOf(workflow.nodes[id])) place(link.from);
    order.push(id);
  };
  roots.forEach(place);
  return order;
}
