import { comfyIssue, ComfyConversionError, failWith, type ComfyIssue } from './errors.ts';

/** ComfyUI's API format: node id -> {class_type, inputs}; a link is [producer id, output slot]. */
export interface ApiNode {
  class_type: string;
  inputs: Record<string, unknown>;
  _meta?: { title?: string };
}
export type ApiPrompt = Record<string, ApiNode>;
export type ApiLink = [string, number];

/** Deeper than any real workflow (a node's inputs are two levels down); bounds what later steps walk. */
export const MAX_JSON_DEPTH = 32;

/** The nesting depth of a JSON value, or MAX + 1 as soon as it is deeper; iterative, so hostile input cannot overflow the stack. */
export function jsonDepthExceeds(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop() as [unknown, number];
    if (typeof item !== 'object' || item === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function isApiLink(value: unknown): value is ApiLink {
  return Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number') && Number.isInteger(value[1]);
}

/** Checks the shape of an API-format prompt; throws every problem at once, naming the nodes. */
export function parseApiPrompt(value: unknown): ApiPrompt {
  if (jsonDepthExceeds(value)) failWith('comfy_too_deep', `The prompt is nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (!isObject(value)) return failWith('comfy_invalid_prompt', 'The prompt must be an object of nodes keyed by id: {"3": {"class_type": ..., "inputs": {...}}}');
  const issues: ComfyIssue[] = [];
  const prompt: ApiPrompt = {};
  for (const [id, node] of Object.entries(value)) {
    if (!isObject(node) || typeof node.class_type !== 'string' || node.class_type === '') {
      issues.push(comfyIssue('comfy_invalid_prompt', `Node ${id} must be an object with a "class_type" string`, { nodeId: id }));
      continue;
    }
    if (node.inputs !== undefined && !isObject(node.inputs)) {
      issues.push(comfyIssue('comfy_invalid_prompt', `Node ${id} (${node.class_type}): "inputs" must be an object`, { nodeId: id, classType: node.class_type }));
      continue;
    }
    const meta = isObject(node._meta) && typeof node._meta.title === 'string' ? { _meta: { title: node._meta.title } } : {};
    prompt[id] = { class_type: node.class_type, inputs: (node.inputs as Record<string, unknown> | undefined) ?? {}, ...meta };
  }
  if (issues.length > 0) throw new ComfyConversionError(issues);
  return prompt;
}
