import { isLink, type InputValue, type Workflow } from '../workflow/types.ts';
import { nodeIdBase, uniqueNodeId } from './node-ids.ts';

/**
 * Gives the nodes of a copied fragment fresh ids (links inside the fragment follow them,
 * links to nodes outside it are dropped) and shifts their positions by `offset`.
 */
export function prepareFragment(fragment: Workflow, taken: ReadonlySet<string>, offset: [number, number]): Workflow {
  const used = new Set(taken);
  const renamed = new Map<string, string>();
  for (const [id, node] of Object.entries(fragment.nodes)) {
    const fresh = uniqueNodeId(taken.has(id) ? nodeIdBase(node.type) : id, used);
    used.add(fresh);
    renamed.set(id, fresh);
  }
  const result: Workflow = { version: 1, nodes: {}, ui: { positions: {}, seedModes: {} } };
  for (const [id, node] of Object.entries(fragment.nodes)) {
    const inputs: Record<string, InputValue> = {};
    for (const [name, value] of Object.entries(node.inputs ?? {})) {
      if (!isLink(value)) inputs[name] = structuredClone(value);
      else if (renamed.has(value.from)) inputs[name] = { from: renamed.get(value.from)!, output: value.output };
    }
    const fresh = renamed.get(id)!;
    result.nodes[fresh] = { type: node.type, inputs };
    const position = fragment.ui?.positions?.[id];
    if (position) result.ui!.positions![fresh] = [position[0] + offset[0], position[1] + offset[1]];
  }
  for (const [key, mode] of Object.entries(fragment.ui?.seedModes ?? {})) {
    const dot = key.indexOf('.');
    const fresh = renamed.get(key.slice(0, dot));
    if (fresh) result.ui!.seedModes![`${fresh}${key.slice(dot)}`] = mode;
  }
  return result;
}
