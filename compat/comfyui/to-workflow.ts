import type { InputValue, Workflow, WorkflowNode } from '../../runtime/index.ts';
import { isApiLink, parseApiPrompt, type ApiNode, type ApiPrompt } from './api-prompt.ts';
import { isWidget, type ComfyClass, type ComfyEnvironment, type ComfyNodeView, type ComfyValue, type LinkedValue } from './class-entry.ts';
import { availableClass, COMFY_CLASSES } from './classes/index.ts';
import { comfyIssue, ComfyConversionError, type ComfyIssue } from './errors.ts';

export interface ConvertedWorkflow {
  workflow: Workflow;
  /** The ComfyUI node each latentflow node came from. */
  origin: Record<string, string>;
}

/** The ComfyUI nodes the output nodes depend on, producers first (ComfyUI runs and validates only those). */
function executionOrder(prompt: ApiPrompt, issues: ComfyIssue[]): string[] {
  const outputs = Object.keys(prompt).filter((id) => Object.hasOwn(COMFY_CLASSES, prompt[id].class_type) && COMFY_CLASSES[prompt[id].class_type].outputNode);
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  for (const root of outputs) {
    const stack: { id: string; deps: string[] }[] = [];
    const enter = (id: string) => {
      state.set(id, 'visiting');
      const deps: string[] = [];
      for (const [input, raw] of Object.entries(prompt[id].inputs)) {
        if (!isApiLink(raw)) continue;
        const from = String(raw[0]);
        if (from in prompt) deps.push(from);
        else {
          const where = { nodeId: id, classType: prompt[id].class_type, input };
          issues.push(comfyIssue('comfy_link_to_missing_node', `Node ${id} (${prompt[id].class_type}): input "${input}" links to node ${from}, which does not exist`, where));
        }
      }
      stack.push({ id, deps });
    };
    if (state.has(root)) continue;
    enter(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const next = top.deps.pop();
      if (next === undefined) {
        state.set(top.id, 'done');
        order.push(top.id);
        stack.pop();
      } else if (state.get(next) === 'visiting') {
        issues.push(comfyIssue('comfy_invalid_prompt', `Nodes ${next} and ${top.id} form a cycle`, { nodeId: top.id, classType: prompt[top.id].class_type }));
        return [];
      } else if (!state.has(next)) enter(next);
    }
  }
  if (outputs.length === 0) issues.push(comfyIssue('comfy_invalid_prompt', 'The prompt has no output node (such as SaveImage or PreviewImage)'));
  return order;
}

class Conversion {
  readonly nodes: Record<string, WorkflowNode> = {};
  readonly origin: Record<string, string> = {};
  readonly values = new Map<string, (ComfyValue | undefined)[]>();
  readonly failed = new Set<string>();

  constructor(
    readonly prompt: ApiPrompt,
    readonly env: ComfyEnvironment,
  ) {}

  view(id: string, node: ApiNode, entry: ComfyClass): ComfyNodeView {
    const where = (input?: string) => ({ nodeId: id, classType: node.class_type, ...(input === undefined ? {} : { input }) });
    const fail = (code: ComfyIssue['code'], input: string | undefined, message: string): never => {
      throw new ComfyConversionError([{ code, message: `Node ${id} (${node.class_type}): ${message}`, ...where(input) }]);
    };
    const resolve = (name: string): ComfyValue | undefined => {
      const raw = node.inputs[name];
      if (raw === undefined) return undefined;
      if (!isApiLink(raw)) {
        if (typeof raw === 'object' && raw !== null) fail('comfy_unsupported_value', name, `input "${name}" must be a literal or a [node id, slot] link`);
        return { literal: raw as InputValue };
      }
      const [from, slot] = [String(raw[0]), raw[1]];
      const producer = this.prompt[from];
      if (producer === undefined) return fail('comfy_link_to_missing_node', name, `input "${name}" links to node ${from}, which does not exist`);
      const outputs = Object.hasOwn(COMFY_CLASSES, producer.class_type) ? COMFY_CLASSES[producer.class_type].outputs : [];
      if (slot < 0 || slot >= outputs.length) {
        return fail('comfy_slot_out_of_range', name, `input "${name}" links to output ${slot} of node ${from} (${producer.class_type}), which has ${outputs.length} output(s)`);
      }
      const value = this.values.get(from)?.[slot];
      if (value === undefined) {
        return fail('comfy_unmapped_output', name, `input "${name}" uses output ${outputs[slot].name} of node ${from} (${producer.class_type}), which latentflow has no equivalent of`);
      }
      return value;
    };
    const widget = (name: string) => entry.inputs.find((spec) => spec.name === name && isWidget(spec));
    const value = (name: string): InputValue => {
      const resolved = resolve(name);
      if (resolved === undefined) {
        const spec = widget(name);
        if (spec && 'default' in spec && spec.default !== undefined) return spec.default;
        return fail('comfy_missing_input', name, `required input "${name}" is missing`);
      }
      return 'literal' in resolved ? resolved.literal : resolved.link;
    };
    const literal = (name: string): InputValue => {
      const result = value(name);
      if (typeof result === 'object' && result !== null) fail('comfy_unsupported_value', name, `input "${name}" must be a constant here, not a link`);
      return result;
    };
    const socket = (name: string): LinkedValue => {
      const resolved = resolve(name);
      if (resolved === undefined) return fail('comfy_missing_input', name, `required input "${name}" is not linked`);
      if (!('link' in resolved)) return fail('comfy_unsupported_value', name, `input "${name}" needs a link, not a constant`);
      return resolved;
    };
    return {
      id,
      classType: node.class_type,
      env: this.env,
      literal,
      value,
      number: (name) => {
        const result = literal(name);
        return typeof result === 'number' ? result : fail('comfy_unsupported_value', name, `input "${name}" must be a number, got ${JSON.stringify(result)}`);
      },
      string: (name) => {
        const result = literal(name);
        return typeof result === 'string' ? result : fail('comfy_unsupported_value', name, `input "${name}" must be a string, got ${JSON.stringify(result)}`);
      },
      link: (name) => socket(name).link,
      socket,
      add: (part, type, inputs) => {
        let nodeId = part === '' ? id : `${id}.${part}`;
        while (nodeId in this.nodes) nodeId = `${nodeId}_`;
        const title = node._meta?.title;
        const version = this.env.versionOf(type);
        this.nodes[nodeId] = { type, inputs, ...(part === '' && title && title !== node.class_type ? { title } : {}), ...(version > 1 ? { version } : {}) };
        this.origin[nodeId] = id;
        return nodeId;
      },
      fail: (code, input, message) => fail(code, input, message),
    };
  }
}

const dependsOnFailed = (node: ApiNode, failed: Set<string>) => Object.values(node.inputs).some((raw) => isApiLink(raw) && failed.has(String(raw[0])));

/** ComfyUI API format -> latentflow workflow, through the class table. Throws every problem found, by ComfyUI node. */
export function apiPromptToWorkflow(value: unknown, env: ComfyEnvironment): ConvertedWorkflow {
  const prompt = parseApiPrompt(value);
  const issues: ComfyIssue[] = [];
  const conversion = new Conversion(prompt, env);
  for (const id of executionOrder(prompt, issues)) {
    const node = prompt[id];
    if (issues.some((issue) => issue.nodeId === id)) {
      conversion.failed.add(id);
      continue;
    }
    const entry = availableClass(node.class_type, env.hasType);
    if (entry === undefined) {
      const missing = (Object.hasOwn(COMFY_CLASSES, node.class_type) ? COMFY_CLASSES[node.class_type].uses : []).filter((type) => !env.hasType(type));
      const why = missing.length > 0 ? `needs latentflow node(s) ${missing.join(', ')}, which this installation lacks` : 'has no latentflow equivalent';
      issues.push(comfyIssue('comfy_unmapped_class', `Node ${id}: class "${node.class_type}" ${why}`, { nodeId: id, classType: node.class_type }));
      conversion.failed.add(id);
      continue;
    }
    if (dependsOnFailed(node, conversion.failed)) {
      conversion.failed.add(id);
      continue;
    }
    try {
      conversion.values.set(id, entry.translate(conversion.view(id, node, entry)));
    } catch (error) {
      if (!(error instanceof ComfyConversionError)) throw error;
      issues.push(...error.issues);
      conversion.failed.add(id);
    }
  }
  if (issues.length > 0) throw new ComfyConversionError(issues);
  return { workflow: { version: 1, nodes: conversion.nodes }, origin: conversion.origin };
}
