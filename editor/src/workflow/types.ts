import { workflowShapeIssues, type Workflow as WireWorkflow } from '../../../contract/index.ts';
import { EditorError } from '../errors.ts';

export { isLink } from '../../../contract/index.ts';
export type { InputValue, Link, WorkflowNode } from '../../../contract/index.ts';

export type SeedMode = 'fixed' | 'increment' | 'randomize';

/** Editor-only data; the runtime ignores the `ui` block. */
export interface WorkflowUi {
  positions?: Record<string, [number, number]>;
  viewport?: { x: number; y: number; k: number };
  /** Seed behaviour after each run, keyed `nodeId.input`. */
  seedModes?: Record<string, SeedMode>;
  [key: string]: unknown;
}

/** Workflow JSON v1 (contract/workflow.ts), with the editor's reading of its `ui` block. */
export type Workflow = WireWorkflow & { ui?: WorkflowUi };

/** Checks parsed JSON against the workflow contract (shape only: the server knows the node types). */
export function asWorkflow(value: unknown, source: string): Workflow {
  const [first, ...rest] = workflowShapeIssues(value, source);
  if (first !== undefined) {
    throw new EditorError('bad_workflow', rest.length === 0 ? first.message : `${first.message} (and ${rest.length} more problem(s))`);
  }
  return value as Workflow;
}
