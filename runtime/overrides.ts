import { badOverride, type LatentflowError } from './errors.ts';
import type { InputValue, Workflow } from './workflow.ts';

/**
 * A copy of the workflow with literal inputs replaced, e.g. `{"positive.text": "a dog", "unet.seed": 7}`,
 * and a `bad_override` error for each key that names no node or no input. The key splits at its last
 * dot, so node ids may contain dots. Input names are checked later, by validation.
 */
export function overrideInputs(workflow: Workflow, overrides: Record<string, unknown>): { workflow: Workflow; errors: LatentflowError[] } {
  const nodes = { ...workflow.nodes };
  const errors: LatentflowError[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    const dot = key.lastIndexOf('.');
    const nodeId = key.slice(0, dot);
    if (dot <= 0 || dot === key.length - 1) errors.push(badOverride(key, 'expected <nodeId>.<input>'));
    else if (!Object.hasOwn(nodes, nodeId)) errors.push(badOverride(key, `the workflow has no node "${nodeId}"`));
    else nodes[nodeId] = { ...nodes[nodeId], inputs: { ...nodes[nodeId].inputs, [key.slice(dot + 1)]: value as InputValue } };
  }
  return { workflow: { ...workflow, nodes }, errors };
}

/** Like `overrideInputs`, but throws the first bad override. */
export function applyOverrides(workflow: Workflow, overrides: Record<string, unknown>): Workflow {
  const { workflow: result, errors } = overrideInputs(workflow, overrides);
  if (errors.length > 0) throw errors[0];
  return result;
}
