import { isLink, type InputValue } from '../../runtime/index.ts';
import { isWidget, type ComfyClass, type ComfyEnvironment, type ComfyNodeView, type WidgetSpec } from './class-entry.ts';
import { COMFY_CLASSES } from './classes/index.ts';

/** How one latentflow node type writes back as a ComfyUI class: the inverse of a class that becomes that one node. */
export interface ExportedClass {
  classType: string;
  /** latentflow input -> the ComfyUI input it came from. */
  inputs: Record<string, string>;
  /** latentflow output -> the ComfyUI output slot that gives it. */
  outputs: Record<string, number>;
  /** ComfyUI's widgets latentflow has no input for (e.g. temporal_size), written with their defaults. */
  widgets: WidgetSpec[];
}

const MARK = '\u0000comfy:';
const marked = (name: string) => `${MARK}${name}`;
const markOf = (value: InputValue | undefined): string | undefined => {
  const raw = isLink(value) ? value.from : value;
  return typeof raw === 'string' && raw.startsWith(MARK) ? raw.slice(MARK.length) : undefined;
};
class NotInvertible extends Error {}

/** An environment that has every node and input, and every marked name in its lists, so a probe sees each class's fullest translation. */
function probeEnvironment(entry: ComfyClass): ComfyEnvironment {
  const names = entry.inputs.filter((spec) => spec.type === 'COMBO').map((spec) => marked(spec.name));
  return {
    checkpoints: names, loras: names, inputImages: names, upscaleModels: names, vaes: names, controlNets: names,
    choices: () => names, hasInput: () => true, hasOutput: () => true, hasType: () => true, versionOf: () => 1,
  };
}

/**
 * Runs a class's translate on marked inputs: a class that adds exactly one latentflow node, passing each ComfyUI
 * input through unchanged, is invertible, and the marks say which input became which. A class that reads a value
 * (to compute with it) or adds several nodes is not, and is left to the explicit cases of from-workflow.ts.
 */
function probe(classType: string, entry: ComfyClass): { type: string; exported: ExportedClass } | undefined {
  let added: { type: string; inputs: Record<string, InputValue> } | undefined;
  const refuse = (): never => {
    throw new NotInvertible();
  };
  const view: ComfyNodeView = {
    id: 'probe',
    classType,
    env: probeEnvironment(entry),
    literal: (name) => marked(name),
    value: (name) => marked(name),
    number: refuse,
    string: refuse,
    link: (name) => ({ from: marked(name), output: '' }),
    socket: (name) => ({ link: { from: marked(name), output: '' } }),
    add(part, type, inputs) {
      if (added !== undefined || part !== '') refuse();
      added = { type, inputs };
      return 'probe';
    },
    fail: refuse,
  };
  let values;
  try {
    values = entry.translate(view);
  } catch (error) {
    if (error instanceof NotInvertible) return undefined;
    throw error;
  }
  if (added === undefined) return undefined;
  const inputs: Record<string, string> = {};
  for (const [name, value] of Object.entries(added.inputs)) {
    const from = markOf(value);
    if (from === undefined) return undefined;
    inputs[name] = from;
  }
  const outputs: Record<string, number> = {};
  values.forEach((value, slot) => {
    if (value && 'link' in value && value.link.from === 'probe') outputs[value.link.output] ??= slot;
  });
  const used = new Set(Object.values(inputs));
  const widgets = entry.inputs.filter((spec): spec is WidgetSpec => isWidget(spec) && !used.has(spec.name));
  return { type: added.type, exported: { classType, inputs, outputs, widgets } };
}

let table: Map<string, ExportedClass> | undefined;

/** The ComfyUI class a latentflow node type exports as (the first class in the table that inverts to it). */
export function exportedClass(type: string): ExportedClass | undefined {
  if (table === undefined) {
    table = new Map();
    for (const [classType, entry] of Object.entries(COMFY_CLASSES)) {
      const found = probe(classType, entry);
      if (found && !table.has(found.type)) table.set(found.type, found.exported);
    }
  }
  return table.get(type);
}
