import type { ApiNode, ApiPrompt } from './api-prompt.ts';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from './api-prompt.ts';
import { isWidget } from './class-entry.ts';
import { isUiWorkflow } from './detect.ts';
import { COMFY_CLASSES } from './classes/index.ts';
import { comfyIssue, ComfyConversionError, failWith, type ComfyIssue } from './errors.ts';

/** A node of ComfyUI's UI (litegraph) format, as far as conversion reads it. */
interface UiNode {
  id: number | string;
  type: string;
  pos?: [number, number] | Record<string, number>;
  mode?: number;
  title?: string;
  inputs?: { name: string; type?: string; link?: number | null; widget?: { name: string } }[];
  outputs?: { name?: string; type?: string }[];
  widgets_values?: unknown[] | Record<string, unknown>;
}
interface UiLink {
  origin: string;
  slot: number;
  type?: string;
}

/** litegraph modes: 2 = muted ("never"): dropped with its links; 4 = bypassed: its inputs pass through to its outputs. */
const MUTED = 2;
const BYPASSED = 4;
/** Nodes that exist only in the ComfyUI frontend. */
const FRONTEND_ONLY = new Set(['Reroute', 'PrimitiveNode', 'Note', 'MarkdownNote']);
/** The extra widgets_values entry after a seed. */
const SEED_CONTROLS = new Set(['fixed', 'increment', 'decrement', 'randomize']);
const MAX_REROUTE_CHAIN = 1000;

export interface UiLayout {
  positions: Record<string, [number, number]>;
  groups: { title: string; bounding: number[]; color?: string }[];
  notes: { text: string; position: [number, number] }[];
  /** ComfyUI's canvas offset and scale (extra.ds). */
  viewport?: { x: number; y: number; k: number };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);


function readLinks(raw: unknown[]): Map<number, UiLink> {
  const links = new Map<number, UiLink>();
  for (const link of raw) {
    // Version 0.4 writes [id, origin_id, origin_slot, target_id, target_slot, type]; version 1 writes objects.
    if (Array.isArray(link) && link.length >= 5) links.set(Number(link[0]), { origin: String(link[1]), slot: Number(link[2]), type: link[5] as string });
    else if (isObject(link)) links.set(Number(link.id), { origin: String(link.origin_id), slot: Number(link.origin_slot), type: link.type as string });
  }
  return links;
}

const positionOf = (node: UiNode): [number, number] | undefined => {
  const pos = node.pos as Record<string, unknown> | undefined;
  if (!pos) return undefined;
  const [x, y] = [Number(pos[0]), Number(pos[1])];
  return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : undefined;
};

type Source = { id: string; slot: number } | { literal: unknown } | undefined;

/**
 * ComfyUI's UI format -> its API format (what the ComfyUI frontend sends to /prompt): reroutes followed,
 * Primitive nodes written into the widgets they feed, muted nodes dropped, bypassed ones passed through,
 * widgets_values read in each class's widget order (skipping the control_after_generate entry after seeds).
 */
export function uiWorkflowToApiPrompt(value: unknown): { prompt: ApiPrompt; layout: UiLayout } {
  if (jsonDepthExceeds(value)) failWith('comfy_too_deep', `The workflow is nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (!isUiWorkflow(value)) failWith('comfy_invalid_prompt', 'Not a ComfyUI UI workflow: expected "nodes" and "links" arrays');
  const workflow = value as { nodes: unknown[]; links: unknown[]; groups?: unknown; extra?: unknown };
  const issues: ComfyIssue[] = [];
  const nodes = new Map<string, UiNode>();
  for (const node of workflow.nodes) {
    if (!isObject(node) || typeof node.type !== 'string' || (typeof node.id !== 'number' && typeof node.id !== 'string')) {
      issues.push(comfyIssue('comfy_invalid_prompt', 'Every node needs an "id" and a "type"'));
      continue;
    }
    nodes.set(String(node.id), node as unknown as UiNode);
  }
  const links = readLinks(workflow.links);

  const follow = (linkId: number | null | undefined, target: string, input: string): Source => {
    for (let hops = 0; linkId !== null && linkId !== undefined && hops < MAX_REROUTE_CHAIN; hops++) {
      const link = links.get(linkId);
      if (!link) {
        issues.push(comfyIssue('comfy_link_to_missing_node', `Node ${target}: input "${input}" uses link ${linkId}, which does not exist`, { nodeId: target, input }));
        return undefined;
      }
      const origin = nodes.get(link.origin);
      if (!origin) {
        issues.push(comfyIssue('comfy_link_to_missing_node', `Node ${target}: input "${input}" links to node ${link.origin}, which does not exist`, { nodeId: target, input }));
        return undefined;
      }
      if (origin.mode === MUTED) return undefined;
      if (origin.type === 'PrimitiveNode') return { literal: Array.isArray(origin.widgets_values) ? origin.widgets_values[0] : undefined };
      if (origin.type === 'Reroute') {
        linkId = origin.inputs?.[0]?.link;
        continue;
      }
      if (origin.mode === BYPASSED) {
        const type = origin.outputs?.[link.slot]?.type ?? link.type;
        const candidates = [origin.inputs?.[link.slot], ...(origin.inputs ?? [])];
        linkId = candidates.find((candidate) => candidate && candidate.link != null && candidate.type === type)?.link;
        continue;
      }
      return { id: link.origin, slot: link.slot };
    }
    return undefined;
  };

  const prompt: ApiPrompt = {};
  const layout: UiLayout = { positions: {}, groups: [], notes: [] };
  for (const [id, node] of nodes) {
    const position = positionOf(node);
    if (node.type === 'Note' || node.type === 'MarkdownNote') {
      const text = Array.isArray(node.widgets_values) ? String(node.widgets_values[0] ?? '') : '';
      if (position) layout.notes.push({ text, position });
    }
    if (FRONTEND_ONLY.has(node.type) || node.mode === MUTED || node.mode === BYPASSED) continue;
    if (position) layout.positions[id] = position;
    const inputs: Record<string, unknown> = {};
    const widgets = (Object.hasOwn(COMFY_CLASSES, node.type) ? COMFY_CLASSES[node.type].inputs : []).filter(isWidget);
    const values = node.widgets_values;
    if (Array.isArray(values)) {
      let index = 0;
      for (const widget of widgets) {
        if (index >= values.length) break;
        inputs[widget.name] = values[index++];
        if (widget.type === 'INT' && widget.controlAfterGenerate && SEED_CONTROLS.has(values[index] as string)) index++;
      }
    } else if (isObject(values)) {
      for (const widget of widgets) if (widget.name in values) inputs[widget.name] = values[widget.name];
    }
    for (const input of node.inputs ?? []) {
      if (input.link === null || input.link === undefined) continue;
      const name = input.widget?.name ?? input.name;
      const source = follow(input.link, id, name);
      if (source && 'id' in source) inputs[name] = [source.id, source.slot];
      else if (source && source.literal !== undefined) inputs[name] = source.literal;
      else if (!input.widget) delete inputs[name];
    }
    const apiNode: ApiNode = { class_type: node.type, inputs };
    if (typeof node.title === 'string') apiNode._meta = { title: node.title };
    prompt[id] = apiNode;
  }
  if (Array.isArray(workflow.groups)) {
    for (const group of workflow.groups) {
      if (isObject(group) && Array.isArray(group.bounding)) {
        layout.groups.push({ title: String(group.title ?? ''), bounding: group.bounding.map(Number), ...(typeof group.color === 'string' ? { color: group.color } : {}) });
      }
    }
  }
  const ds = isObject(workflow.extra) && isObject(workflow.extra.ds) ? workflow.extra.ds : undefined;
  if (ds && Array.isArray(ds.offset)) layout.viewport = { x: Number(ds.offset[0]) || 0, y: Number(ds.offset[1]) || 0, k: Number(ds.scale) || 1 };
  if (issues.length > 0) throw new ComfyConversionError(issues);
  return { prompt, layout };
}
