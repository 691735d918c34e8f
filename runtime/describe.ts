import { SEED_MAX, type InputDescription, type NodeDescription } from '../contract/index.ts';
import type { InputSpec, NodeDefinition } from './node-definition.ts';

const WIDGET_SOCKET_TYPES = { int: 'INT', float: 'FLOAT', string: 'STRING', boolean: 'BOOLEAN', enum: 'STRING', seed: 'INT' };

/** The socket type a link into this input must carry. */
export function linkTypeOf(spec: InputSpec): string {
  if (spec.kind === 'socket') return spec.type;
  return spec.socketType ?? WIDGET_SOCKET_TYPES[spec.kind];
}

function describeInput(name: string, spec: InputSpec): InputDescription {
  const described = spec.description === undefined ? {} : { description: spec.description };
  switch (spec.kind) {
    case 'socket':
      return { name, kind: 'socket', type: spec.type, optional: spec.optional ?? false, ...described };
    case 'int':
    case 'float': {
      const limits = { min: spec.min, max: spec.max, step: spec.step };
      const defined = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
      return { name, kind: spec.kind, default: spec.default, ...defined, socketType: linkTypeOf(spec), ...described };
    }
    case 'string':
      return { name, kind: 'string', default: spec.default, multiline: spec.multiline ?? false, socketType: linkTypeOf(spec), ...described };
    case 'boolean':
      return { name, kind: 'boolean', default: spec.default, socketType: linkTypeOf(spec), ...described };
    case 'enum':
      return { name, kind: 'enum', default: spec.default, choices: [...spec.choices], socketType: linkTypeOf(spec), ...described };
    case 'seed':
      return { name, kind: 'seed', default: spec.default, min: 0, max: SEED_MAX, socketType: linkTypeOf(spec), ...described };
  }
}

export function describeNode(definition: NodeDefinition, plugin: string): NodeDescription {
  return {
    type: definition.type,
    version: definition.version ?? 1,
    displayName: definition.displayName,
    category: definition.category,
    description: definition.description,
    plugin,
    output: definition.output ?? false,
    alwaysRun: definition.alwaysRun ?? false,
    inputs: Object.entries(definition.inputs).map(([name, spec]) => describeInput(name, spec)),
    outputs: Object.entries(definition.outputs).map(([name, spec]) =>
      spec.description === undefined ? { name, type: spec.type } : { name, type: spec.type, description: spec.description },
    ),
  };
}
