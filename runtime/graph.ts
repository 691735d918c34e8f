import { isLink, type Link, type Workflow, type WorkflowNode } from '../contract/index.ts';

export function linksOf(node: WorkflowNode): [input: string, link: Link][] {
  return Object.entries(node.inputs ?? {}).filter((entry): entry is [string, Link] => isLink(entry[1]));
}

export function hasNode(workflow: Workflow, id: string): boolean {
  return Object.hasOwn(workflow.nodes, id);
}

/** The existing nodes `id` links from, in input order. */
function producersOf(workflow: Workflow, id: string): string[] {
  return linksOf(workflow.nodes[id]).map(([, link]) => link.from).filter((from) => hasNode(workflow, from));
}

/**
 * Depth-first walk from each start, producers before consumers, with an explicit stack so a chain of
 * thousands of nodes cannot overflow the call stack. `onBackEdge` sees a link into a node on the current path.
 */
function walk(workflow: Workflow, starts: string[], onDone: (id: string) => void, onBackEdge?: (path: string[], to: string) => void): void {
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of starts) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const pending: string[][] = [producersOf(workflow, start)];
    state.set(start, 'visiting');
    while (path.length > 0) {
      const next = pending[pending.length - 1].shift();
      if (next === undefined) {
        const id = path.pop() as string;
        pending.pop();
        state.set(id, 'done');
        onDone(id);
      } else if (state.get(next) === 'visiting') {
        onBackEdge?.(path, next);
      } else if (!state.has(next)) {
        state.set(next, 'visiting');
        path.push(next);
        pending.push(producersOf(workflow, next));
      }
    }
  }
}

/** Every cycle of links between existing nodes, each as the ids along it, e.g. ['a', 'b', 'a']. */
export function findCycles(workflow: Workflow): string[][] {
  const cycles: string[][] = [];
  walk(workflow, Object.keys(workflow.nodes), () => {}, (path, to) => cycles.push([...path.slice(path.indexOf(to)), to]));
  return cycles;
}

/** The nodes the roots depend on, roots included, each after all of its producers. The graph must be acyclic. */
export function executionOrder(workflow: Workflow, roots: string[]): string[] {
  const order: string[] = [];
  walk(workflow, roots, (id) => order.push(id));
  return order;
}
