import type { Issue } from './issue.ts';
import type { InputValue, Workflow } from './workflow.ts';

/** Where an override key points: `stage.1.value` is input `value` of node `stage.1` (split at the last dot). */
export function parseOverrideKey(key: string): { nodeId: string; input: string } | undefined {
  const dot = key.lastIndexOf('.');
  if (dot <= 0 || dot === key.length - 1) return undefined;
  return { nodeId: key.slice(0, dot), input: key.slice(dot + 1) };
}

/**
 * A copy of the workflow with literal inputs replaced, e.g. `{"positive.text": "a dog", "unet.seed": 7}`,
 * and a `bad_override` issue for each key that names no node. Input names are checked later, by validation.
 */
export function overrideInputs(workflow: Workflow, overrides: Record<string, unknown>): { workflow: Workflow; issues: Issue[] } {
  const nodes = { ...workflow.nodes };
  const issues: Issue[] = [];
  for (const [key, value] of Object.entries(overrides)) {
    const target = parseOverrideKey(key);
    if (target === undefined) issues.push(badOverride(key, 'expected <nodeId>.<input>'));
    else if (!Object.hasOwn(nodes, target.nodeId)) issues.push(badOverride(key, `the workflow has no node "${target.nodeId}"`));
    else {
      const node = nodes[target.nodeId];
      nodes[target.nodeId] = { ...node, inputs: { ...node.inputs, [target.input]: value as InputValue } };
    }
  }
  return { workflow: { ...workflow, nodes }, issues };
}

const badOverride = (key: string, reason: string): Issue => ({ code: 'bad_override', message: `Cannot set "${key}": ${reason}` });
