/** The generate page's fields, and where a workflow takes each of them. */
export const FORM_FIELDS = ['prompt', 'negative', 'sampler', 'schedule', 'steps', 'cfg', 'seed', 'width', 'height', 'batchSize', 'image', 'mask', 'maskChannel', 'strength'] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** The node input a field sets. */
export interface FormBinding { node: string; input: string }
export type FormBindings = Partial<Record<FormField, FormBinding>>;

/**
 * Where the shipped workflows took each field before they declared it: what a project made earlier
 * (its workflows copied without `meta.form`) still gets.
 */
const LEGACY: FormBindings = {
  prompt: { node: 'positive', input: 'text' },
  negative: { node: 'negative', input: 'text' },
  sampler: { node: 'schedule', input: 'sampler' },
  schedule: { node: 'schedule', input: 'schedule' },
  steps: { node: 'schedule', input: 'steps' },
  cfg: { node: 'unet', input: 'cfg' },
  seed: { node: 'unet', input: 'seed' },
  width: { node: 'latent', input: 'width' },
  height: { node: 'latent', input: 'height' },
  batchSize: { node: 'latent', input: 'batch_size' },
  image: { node: 'image', input: 'image' },
  mask: { node: 'mask', input: 'image' },
  maskChannel: { node: 'mask', input: 'channel' },
  strength: { node: 'schedule', input: 'denoise' },
};

const isBinding = (value: unknown): value is FormBinding =>
  typeof value === 'object' && value !== null &&
  typeof (value as FormBinding).node === 'string' && typeof (value as FormBinding).input === 'string';

/**
 * The fields a workflow declares in `meta.form` (`{ "prompt": { "node": "positive", "input": "text" }, ... }`),
 * each kept only when the workflow has that node; a workflow without `meta.form` gets the legacy ids.
 */
export function formBindings(workflow: { meta?: Record<string, unknown>; nodes: Record<string, unknown> }): FormBindings {
  const declared = workflow.meta?.form;
  const source: Record<string, unknown> = typeof declared === 'object' && declared !== null ? (declared as Record<string, unknown>) : LEGACY;
  const bindings: FormBindings = {};
  for (const field of FORM_FIELDS) {
    const binding = source[field];
    if (isBinding(binding) && Object.hasOwn(workflow.nodes, binding.node)) bindings[field] = binding;
  }
  return bindings;
}
