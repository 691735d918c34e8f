import type { InputValue, Issue, Workflow, WorkflowNode } from '../contract/index.ts';
import { messageOf } from './errors.ts';
import type { Registry } from './registry.ts';

/**
 * The workflow with every node brought to its type's current version through the type's `migrate`, and
 * an issue for each node that cannot be: written for a newer version than this runtime's, or whose
 * migration threw. Nodes of unknown types are left alone (validation reports them). The one function
 * every loader uses: validation and the executor, saved project files, run history and imported PNGs.
 */
export function migrateWorkflow(workflow: Workflow, registry: Registry): { workflow: Workflow; issues: Issue[] } {
  const issues: Issue[] = [];
  let nodes: Record<string, WorkflowNode> | undefined;
  for (const [nodeId, node] of Object.entries(workflow.nodes)) {
    const definition = registry.get(node.type);
    const written = node.version ?? 1;
    const current = definition?.version ?? 1;
    if (definition === undefined || written === current) continue;
    if (written > current) {
      issues.push({
        code: 'node_version_unsupported',
        nodeId,
        message: `Node "${nodeId}" (${node.type}) was written for version ${written}, but this ${node.type} is version ${current}; update the plugin that provides it`,
      });
      continue;
    }
    try {
      const inputs = definition.migrate ? definition.migrate({ ...node.inputs }, written) : { ...node.inputs };
      nodes ??= { ...workflow.nodes };
      nodes[nodeId] = { ...node, inputs: inputs as Record<string, InputValue>, version: current };
    } catch (error) {
      issues.push({
        code: 'migration_failed',
        nodeId,
        message: `Node "${nodeId}" (${node.type}) could not be migrated from version ${written} to ${current}: ${messageOf(error)}`,
      });
    }
  }
  return { workflow: nodes ? { ...workflow, nodes } : workflow, issues };
}
