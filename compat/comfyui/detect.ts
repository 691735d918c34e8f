/** Which workflow format a parsed JSON document is in. Browser-safe: the editor uses it at its import boundary. */
export type WorkflowFormat = 'latentflow' | 'comfyui-api' | 'comfyui-ui';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** ComfyUI's UI (litegraph) format: `nodes` and `links` arrays. */
export function isUiWorkflow(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.nodes) && Array.isArray(value.links);
}

/** The format of a document, or undefined when it is none of these. */
export function detectFormat(value: unknown): WorkflowFormat | undefined {
  if (!isObject(value)) return undefined;
  if (value.version === 1 && isObject(value.nodes)) return 'latentflow';
  if (isUiWorkflow(value)) return 'comfyui-ui';
  const nodes = Object.values(value);
  if (nodes.length > 0 && nodes.every((node) => isObject(node) && typeof node.class_type === 'string')) return 'comfyui-api';
  return undefined;
}
