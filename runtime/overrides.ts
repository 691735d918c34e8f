import { badOverride } from './errors.ts';
import type { InputValue, Workflow } from './workflow.ts';

/**
 * A copy of the workflow with literal inputs replaced, e.g. `{"positive.text": "a dog", "unet.seed": 7}`.
 * The key splits at its last dot, so node ids may contain dots. Input names are checked later, by validation.
 */
export function applyOverrides(workflow: Workflow, overrides: Record<string, unknown>): Workflow {
  const nodes = { ...workflow.nodes };
  for (const [key, value] of Object.entries(overrides)) {
    const dot = key.lastIndexOf('.');
    if (dot <= 0 || dot === key.length - 1) throw badOverride(key, 'expected <nodeId>.<input>');
    const nodeId = key.slice(0, dot);
    const input = key.slice(dot + 1);
    if (!Object.hasOwn(nodes, nodeId)) throw badOverride(key, `the workflow has no node "${nodeId}"`);
    nodes[nodeId] = { ...nodes[nodeId], inputs: { ...nodes[nodeId].inputs, [input]: value as InputValue } };
  }
  return { ...workflow, nodes };
}
