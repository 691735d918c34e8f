import { EditorError } from '../errors.ts';

/** Workflow JSON v1 as the runtime defines it (runtime/workflow.ts); the editor only reads and writes it. */

export interface Link { from: string; output: string }

export type InputValue = Link | string | number | boolean | null | unknown[] | Record<string, unknown>;

export interface WorkflowNode {
  type: string;
  inputs: Record<string, InputValue>;
  /** Display title chosen by the user. */
  title?: string;
}

export type SeedMode = 'fixed' | 'increment' | 'randomize';

/** Editor-only data; the runtime ignores the `ui` block. */
export interface WorkflowUi {
  positions?: Record<string, [number, number]>;
  viewport?: { x: number; y: number; k: number };
  /** Seed behaviour after each run, keyed `nodeId.input`. */
  seedModes?: Record<string, SeedMode>;
  [key: string]: unknown;
}

export interface Workflow {
  version: 1;
  nodes: Record<string, WorkflowNode>;
  ui?: WorkflowUi;
  meta?: Record<string, unknown>;
}

export function isLink(value: unknown): value is Link {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && typeof (value as Link).from === 'string' && typeof (value as Link).output === 'string';
}

/** Checks the outer shape of parsed JSON; the server validates the rest. */
export function asWorkflow(value: unknown, source: string): Workflow {
  const candidate = value as Partial<Workflow> | null;
  if (typeof candidate !== 'object' || candidate === null) throw new EditorError('bad_workflow', `${source}: not a JSON object`);
  if (candidate.version !== 1) throw new EditorError('bad_workflow', `${source}: workflow version must be 1, got ${String(candidate.version)}`);
  if (typeof candidate.nodes !== 'object' || candidate.nodes === null) throw new EditorError('bad_workflow', `${source}: missing "nodes"`);
  for (const [id, node] of Object.entries(candidate.nodes)) {
    if (typeof node?.type !== 'string') throw new EditorError('bad_workflow', `${source}: node "${id}" has no type`);
    if (node.inputs !== undefined && (typeof node.inputs !== 'object' || node.inputs === null)) {
      throw new EditorError('bad_workflow', `${source}: node "${id}" has malformed inputs`);
    }
  }
  return candidate as Workflow;
}

/** Applies `{"nodeId.input": value}` overrides to a copy of the workflow, as the server does for a run. */
export function withOverrides(workflow: Workflow, overrides: Record<string, unknown>): Workflow {
  const copy = structuredClone(workflow);
  for (const [key, value] of Object.entries(overrides)) {
    const dot = key.indexOf('.');
    const node = copy.nodes[key.slice(0, dot)];
    if (dot < 0 || !node) throw new EditorError('bad_workflow', `override "${key}" names no node of the workflow`);
    node.inputs = { ...node.inputs, [key.slice(dot + 1)]: value as InputValue };
  }
  return copy;
}
