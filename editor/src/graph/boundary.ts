import { parseOverrideKey } from '../../../contract/index.ts';
import type { InputDescription, NodeDescription } from '../api/types.ts';
import { isLink, type InputValue, type Workflow, type WorkflowUi } from '../workflow/types.ts';
import { FlowConnection, FlowNode } from './schemes.ts';
import { ANY_TYPE } from './socket-types.ts';

/**
 * The one place where the canvas and workflow JSON meet. The Rete graph is a view:
 * everything the runtime needs is rebuilt from it by `graphToWorkflow`.
 */

export type Catalog = ReadonlyMap<string, NodeDescription>;
export type Position = [number, number];

export interface GraphContent {
  nodes: FlowNode[];
  connections: FlowConnection[];
  positions: Map<string, Position>;
  /** Links that could not be drawn (missing node, output or input), described for the user. */
  problems: string[];
}

export function workflowToGraph(workflow: Workflow, catalog: Catalog): GraphContent {
  const problems: string[] = [];
  const nodes = new Map<string, FlowNode>();
  for (const [id, node] of Object.entries(workflow.nodes)) {
    const spec = catalog.get(node.type);
    const flowNode = spec ? new FlowNode(spec, id) : new FlowNode(placeholderSpec(id, workflow), id, true);
    if (!spec) problems.push(`node "${id}" has type "${node.type}", which the server does not know`);
    if (node.title) flowNode.label = node.title;
    for (const [name, value] of Object.entries(node.inputs ?? {})) {
      if (!isLink(value)) flowNode.values[name] = value;
    }
    for (const [key, mode] of Object.entries(workflow.ui?.seedModes ?? {})) {
      const target = parseOverrideKey(key);
      if (target?.nodeId === id && target.input in flowNode.seedModes) flowNode.seedModes[target.input] = mode;
    }
    nodes.set(id, flowNode);
  }

  const connections: FlowConnection[] = [];
  for (const [id, node] of Object.entries(workflow.nodes)) {
    const target = nodes.get(id)!;
    for (const [input, value] of Object.entries(node.inputs ?? {})) {
      if (!isLink(value)) continue;
      const source = nodes.get(value.from);
      if (!source) problems.push(`${id}.${input} links to node "${value.from}", which is not in the workflow`);
      else if (!source.outputs[value.output]) problems.push(`${id}.${input} links to "${value.from}.${value.output}", which is not an output of ${source.spec.type}`);
      else if (!target.inputs[input]) problems.push(`${id}.${input} is linked, but ${target.spec.type} has no such input socket`);
      else {
        connections.push(new FlowConnection(source, value.output, target, input));
        target.linked.add(input);
      }
    }
  }

  const positions = new Map<string, Position>();
  for (const [id, position] of Object.entries(workflow.ui?.positions ?? {})) {
    if (nodes.has(id) && Array.isArray(position)) positions.set(id, [Number(position[0]) || 0, Number(position[1]) || 0]);
  }
  return { nodes: [...nodes.values()], connections, positions, problems };
}

export function graphToWorkflow(
  nodes: readonly FlowNode[],
  connections: readonly FlowConnection[],
  positionOf: (id: string) => Position | undefined,
  ui: WorkflowUi = {},
): Workflow {
  const included = new Set(nodes.map((n) => n.id));
  const linkOf = new Map<string, FlowConnection>();
  for (const c of connections) {
    if (included.has(c.source) && included.has(c.target)) linkOf.set(`${c.target}.${c.targetInput}`, c);
  }
  const workflow: Workflow = { version: 1, nodes: {}, ui: { ...ui, positions: {}, seedModes: {} } };
  for (const node of nodes) {
    const inputs: Record<string, InputValue> = {};
    const described = node.spec.inputs.map((input) => input.name);
    const names = [...described, ...Object.keys(node.values).filter((n) => !described.includes(n))];
    for (const name of names) {
      const link = linkOf.get(`${node.id}.${name}`);
      if (link) inputs[name] = { from: link.source, output: link.sourceOutput };
      else if (name in node.values) inputs[name] = node.values[name] as InputValue;
    }
    // Absent means version 1, so only later versions are written down.
    workflow.nodes[node.id] = {
      type: node.spec.type,
      inputs,
      ...(node.label === node.spec.displayName ? {} : { title: node.label }),
      ...(node.spec.version > 1 ? { version: node.spec.version } : {}),
    };
    const position = positionOf(node.id);
    if (position) workflow.ui!.positions![node.id] = [Math.round(position[0]), Math.round(position[1])];
    for (const [input, mode] of Object.entries(node.seedModes)) {
      if (mode !== 'fixed') workflow.ui!.seedModes![`${node.id}.${input}`] = mode;
    }
  }
  return workflow;
}

/** A stand-in for a node whose type the server does not know, so that loading and saving keep it intact. */
function placeholderSpec(id: string, workflow: Workflow): NodeDescription {
  const node = workflow.nodes[id];
  const inputs: InputDescription[] = Object.entries(node.inputs ?? {})
    .filter(([, value]) => isLink(value))
    .map(([name]) => ({ name, kind: 'socket', type: ANY_TYPE, optional: false }));
  const outputNames = new Set<string>();
  for (const other of Object.values(workflow.nodes)) {
    for (const value of Object.values(other.inputs ?? {})) {
      if (isLink(value) && value.from === id) outputNames.add(value.output);
    }
  }
  const outputs = [...outputNames].map((name) => ({ name, type: ANY_TYPE }));
  return {
    type: node.type, version: node.version ?? 1, displayName: node.type, category: 'Missing', description: 'Not known to the server',
    plugin: '', output: false, alwaysRun: false, inputs, outputs,
  };
}
