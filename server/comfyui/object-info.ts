import type { ComfyClass, ComfyEnvironment, ComfyInputSpec } from '../../compat/comfyui/class-entry.ts';
import { isWidget } from '../../compat/comfyui/class-entry.ts';
import { availableClass } from '../../compat/comfyui/classes/index.ts';
import { COMFY_CLASSES } from '../../compat/comfyui/index.ts';

/** One input as /object_info declares it: [type, options], a combo as [[choices], options]. */
function declared(spec: ComfyInputSpec, env: ComfyEnvironment): unknown[] {
  if (!isWidget(spec)) return [spec.type];
  const { name: _name, type, ...options } = spec;
  if (spec.type === 'COMBO') {
    const choices = spec.choices(env);
    return [choices, { ...(spec.default !== undefined ? { default: spec.default } : {}), ...(spec.imageUpload ? { image_upload: true } : {}) }];
  }
  const { controlAfterGenerate, ...rest } = options as Record<string, unknown>;
  return [type, { ...rest, ...(controlAfterGenerate ? { control_after_generate: true } : {}) }];
}

function describeClass(name: string, entry: ComfyClass, env: ComfyEnvironment) {
  const required = entry.inputs.filter((spec) => !('optional' in spec && spec.optional));
  const optional = entry.inputs.filter((spec) => 'optional' in spec && spec.optional);
  return {
    input: {
      required: Object.fromEntries(required.map((spec) => [spec.name, declared(spec, env)])),
      optional: Object.fromEntries(optional.map((spec) => [spec.name, declared(spec, env)])),
    },
    input_order: { required: required.map((spec) => spec.name), optional: optional.map((spec) => spec.name) },
    output: entry.outputs.map((output) => output.type),
    output_is_list: entry.outputs.map(() => false),
    output_name: entry.outputs.map((output) => output.name),
    name,
    display_name: name,
    description: entry.description,
    python_module: 'latentflow',
    category: entry.category,
    output_node: entry.outputNode ?? false,
    deprecated: false,
    experimental: false,
  };
}

/** GET /object_info: the ComfyUI classes this installation runs (their latentflow nodes are registered), with its combo lists. */
export function objectInfo(env: ComfyEnvironment, only?: string): Record<string, unknown> {
  const names = Object.keys(COMFY_CLASSES).filter((name) => (only === undefined || name === only) && availableClass(name, env.hasType));
  return Object.fromEntries(names.map((name) => [name, describeClass(name, COMFY_CLASSES[name], env)]));
}
