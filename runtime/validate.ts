import { isLink, SEED_MAX, workflowShapeIssues, type Issue, type Link, type Workflow } from '../contract/index.ts';
import { linkTypeOf } from './describe.ts';
import type { ValidationCode } from './errors.ts';
import { findCycles, hasNode } from './graph.ts';
import { migrateWorkflow } from './migrate.ts';
import type { InputSpec, NodeDefinition, WidgetInput } from './node-definition.ts';
import type { Registry } from './registry.ts';

/** One problem in a workflow. A workflow is runnable when validation returns none. */
export interface ValidationIssue extends Issue {
  code: ValidationCode;
}

const MAX_SHOWN_VALUE = 80;

export type LoadedWorkflow = { workflow: Workflow; issues: [] } | { workflow: undefined; issues: ValidationIssue[] };

/**
 * Parsed JSON as a workflow of current node versions: bounded in depth and size, of the right shape,
 * migrated. Everything that reads a stored workflow (a file, run history, a PNG) goes through it.
 */
export function loadWorkflow(json: unknown, registry: Registry): LoadedWorkflow {
  const shapeIssues = workflowShapeIssues(json) as ValidationIssue[];
  if (shapeIssues.length > 0) return { workflow: undefined, issues: shapeIssues };
  const migrated = migrateWorkflow(json as Workflow, registry);
  if (migrated.issues.length > 0) return { workflow: undefined, issues: migrated.issues as ValidationIssue[] };
  return { workflow: migrated.workflow, issues: [] };
}

/** Loads a workflow and checks it against the registry: the workflow to run, or every problem at once. */
export function prepareWorkflow(json: unknown, registry: Registry): LoadedWorkflow {
  const loaded = loadWorkflow(json, registry);
  if (loaded.workflow === undefined) return loaded;
  const issues = checkGraph(loaded.workflow, registry);
  return issues.length > 0 ? { workflow: undefined, issues } : loaded;
}

/** Checks a workflow against the schema and the registry, reporting every problem at once. */
export function validateWorkflow(workflow: unknown, registry: Registry): ValidationIssue[] {
  return prepareWorkflow(workflow, registry).issues;
}

function checkGraph(graph: Workflow, registry: Registry): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [nodeId, node] of Object.entries(graph.nodes)) {
    const definition = registry.get(node.type);
    if (definition === undefined) {
      issues.push({ code: 'unknown_node_type', nodeId, message: `Node "${nodeId}" has unknown type "${node.type}"` });
      continue;
    }
    issues.push(...checkInputs(graph, nodeId, definition, registry));
  }
  for (const cycle of findCycles(graph)) {
    issues.push({ code: 'cycle', nodeId: cycle[0], message: `Nodes form a cycle: ${cycle.join(' -> ')}` });
  }
  if (!Object.values(graph.nodes).some((node) => registry.get(node.type)?.output)) {
    issues.push({ code: 'no_output', message: 'The workflow has no output node (e.g. SaveImage), so nothing would run' });
  }
  return issues;
}


function checkInputs(workflow: Workflow, nodeId: string, definition: NodeDefinition, registry: Registry): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const given = workflow.nodes[nodeId].inputs ?? {};
  const at = (input: string) => `Node "${nodeId}" (${definition.type}), input "${input}"`;
  const add = (code: ValidationCode, input: string, message: string) => issues.push({ code, nodeId, input, message });

  for (const input of Object.keys(given)) {
    if (!Object.hasOwn(definition.inputs, input)) {
      const known = Object.keys(definition.inputs).join(', ') || 'none';
      add('unknown_input', input, `${at(input)}: ${definition.type} has no such input (inputs: ${known})`);
    }
  }
  for (const [input, spec] of Object.entries(definition.inputs)) {
    const value = Object.hasOwn(given, input) ? given[input] : undefined;
    if (value === undefined) {
      if (spec.kind === 'socket' && !spec.optional) add('missing_input', input, `${at(input)}: not connected; it needs a ${spec.type}`);
    } else if (isLink(value)) {
      const problem = checkLink(workflow, value, spec, registry);
      if (problem) add(problem.code, input, `${at(input)}: ${problem.message}`);
    } else if (spec.kind === 'socket') {
      add('type_mismatch', input, `${at(input)}: needs a link from a ${spec.type} output, not a literal value`);
    } else {
      const problem = checkLiteral(value, spec);
      if (problem) add(problem.code, input, `${at(input)}: ${problem.message}`);
    }
  }
  return issues;
}

interface Problem { code: ValidationCode; message: string }

function checkLink(workflow: Workflow, link: Link, spec: InputSpec, registry: Registry): Problem | undefined {
  if (!hasNode(workflow, link.from)) return { code: 'bad_link', message: `links from node "${link.from}", which does not exist` };
  const producer = registry.get(workflow.nodes[link.from].type);
  if (producer === undefined) return undefined;
  if (!Object.hasOwn(producer.outputs, link.output)) {
    const known = Object.keys(producer.outputs).join(', ') || 'none';
    return {
      code: 'bad_link',
      message: `links from output "${link.output}" of node "${link.from}" (${producer.type}), which has no such output (outputs: ${known})`,
    };
  }
  const produced = producer.outputs[link.output].type;
  const expected = linkTypeOf(spec);
  if (!socketTypesMatch(produced, expected)) {
    return {
      code: 'type_mismatch',
      message: `needs ${expected}, but output "${link.output}" of node "${link.from}" gives ${produced}`,
    };
  }
  return undefined;
}

/** `*` matches anything; an INT may feed a FLOAT. */
export function socketTypesMatch(produced: string, expected: string): boolean {
  return produced === expected || produced === '*' || expected === '*' || (produced === 'INT' && expected === 'FLOAT');
}

function checkLiteral(value: unknown, spec: WidgetInput): Problem | undefined {
  const json = JSON.stringify(value);
  const shown = json.length > MAX_SHOWN_VALUE ? `${json.slice(0, MAX_SHOWN_VALUE)}...` : json;
  const mismatch = (wanted: string): Problem => ({ code: 'type_mismatch', message: `needs ${wanted}, got ${shown}` });
  switch (spec.kind) {
    case 'int':
    case 'seed':
      if (typeof value !== 'number' || !Number.isInteger(value)) return mismatch('a whole number');
      if (spec.kind === 'seed') return checkRange(value, 0, SEED_MAX);
      return checkRange(value, spec.min, spec.max) ?? checkStep(value, spec.min ?? 0, spec.step);
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return mismatch('a number');
      return checkRange(value, spec.min, spec.max);
    case 'string':
      return typeof value === 'string' ? undefined : mismatch('text');
    case 'boolean':
      return typeof value === 'boolean' ? undefined : mismatch('true or false');
    case 'enum':
      return typeof value === 'string' && spec.choices.includes(value)
        ? undefined
        : { code: 'not_in_choices', message: `${shown} is not one of ${spec.choices.join(', ')}` };
  }
}

function checkRange(value: number, min: number | undefined, max: number | undefined): Problem | undefined {
  if (min !== undefined && value < min) return { code: 'out_of_range', message: `${value} is below the minimum ${min}` };
  if (max !== undefined && value > max) return { code: 'out_of_range', message: `${value} is above the maximum ${max}` };
  return undefined;
}

/** Whole-number inputs take only values on their step from the minimum (width 100 with step 8 is refused). */
function checkStep(value: number, from: number, step: number | undefined): Problem | undefined {
  if (step === undefined || step <= 1 || (value - from) % step === 0) return undefined;
  const below = value - ((value - from) % step);
  return { code: 'not_multiple_of_step', message: `${value} is not a multiple of ${step}${from === 0 ? '' : ` from ${from}`} (nearest: ${below} or ${below + step})` };
}
