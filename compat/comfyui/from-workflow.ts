import { isLink, type InputValue, type Link, type Registry, type Workflow, type WorkflowNode } from '../../runtime/index.ts';
import { findSampler } from '../../models/schedulers/index.ts';
import type { ApiPrompt } from './api-prompt.ts';
import { comfyIssue, ComfyConversionError, type ComfyCode, type ComfyIssue } from './errors.ts';
import { exportedClass } from './export-classes.ts';

const LOAD_MODEL_SLOTS: Record<string, number> = { unet: 0, clip: 1, vae: 2 };
const FIRST_SLOT = 0;

export interface ExportOptions {
  /** The installation's nodes: an input a node leaves out is written with its latentflow default. */
  registry: Registry;
  /** The native image side of each LoadModel `model` value that is known (EmptyLatent's 0 means it). */
  nativeSizes?: ReadonlyMap<string, number>;
}

/**
 * latentflow's schedule as ComfyUI's scheduler name. `default` is each sampler's own spacing: `normal` for most, which
 * ComfyUI's normal is exactly unless the sampler drops the next-to-last level (ComfyUI's normal then drops it too, the
 * alias did not); `leading` (ddpm, ddim, plms) has no ComfyUI scheduler. Those are errors rather than another image.
 */
function comfyScheduler(schedule: string, sampler: string): { name: string } | { problem: string } {
  const descriptor = findSampler(sampler);
  const spacing = schedule === 'default' ? descriptor?.defaultSpacing ?? 'normal' : schedule;
  const what = schedule === 'default' ? `schedule "default" (for ${sampler}: ${spacing})` : `schedule "${schedule}"`;
  if (spacing === 'leading') return { problem: `${what} is the CompVis reference's spacing, which ComfyUI has no scheduler for; choose ddim_uniform (timesteps offset by 1) or normal` };
  if (schedule === 'default' && descriptor?.discardPenultimateSigma) return { problem: `${what} keeps the next-to-last level that ComfyUI's normal drops for ${sampler}; choose normal` };
  return { name: spacing };
}

/**
 * A latentflow workflow in ComfyUI's API format. LoadModel, Tokenizer + TextEncoder (CLIPTextEncode, with
 * CLIPSetLastLayer for clip_skip 2), Scheduler + UNetStep (KSamplerAdvanced, which expresses steps, denoise and
 * splits exactly; its speed options deep_cache_interval and token_merge_ratio have no ComfyUI counterpart and are left
 * out, so ComfyUI computes every step in full) and EmptyLatent (0 as the model's native size) are written here; every other node type that is
 * one ComfyUI class (export-classes.ts, read from the class table) as that class.
 */
export function workflowToApiPrompt(workflow: Workflow, options: ExportOptions): ApiPrompt {
  const ids = new Map(Object.keys(workflow.nodes).map((id, index) => [id, String(index + 1)]));
  const issues: ComfyIssue[] = [];
  const prompt: ApiPrompt = {};
  const node = (id: string): WorkflowNode => workflow.nodes[id];
  const input = (n: WorkflowNode, name: string): InputValue | undefined => n.inputs?.[name];
  const slotOf = (type: string, output: string) => (type === 'LoadModel' ? LOAD_MODEL_SLOTS[output] : exportedClass(type)?.outputs[output]) ?? FIRST_SLOT;
  const ref = (value: InputValue | undefined): [string, number] | undefined => {
    if (!isLink(value)) return undefined;
    return [ids.get(value.from) ?? value.from, slotOf(node(value.from)?.type ?? '', value.output)];
  };
  const linkInput = (n: WorkflowNode, name: string) => ref(input(n, name)) ?? input(n, name);
  const producerOf = (value: InputValue | undefined, type: string): WorkflowNode | undefined => {
    const producer = isLink(value) ? node((value as Link).from) : undefined;
    return producer?.type === type ? producer : undefined;
  };
  /** The LoadModel a unet comes from, through LoraLoader, FreeU and any other node passing a `unet` on. */
  const modelOf = (value: InputValue | undefined): InputValue | undefined => {
    for (let seen = 0, at = value; isLink(at) && seen < ids.size; seen++) {
      const producer = node(at.from);
      if (producer?.type === 'LoadModel') return input(producer, 'model') ?? 'auto';
      at = producer ? input(producer, 'unet') : undefined;
    }
    return undefined;
  };
  let extra = Object.keys(workflow.nodes).length;

  for (const [id, n] of Object.entries(workflow.nodes)) {
    const comfyId = ids.get(id) as string;
    const meta = n.title ? { _meta: { title: n.title } } : {};
    const fail = (message: string, code: ComfyCode = 'comfy_unmapped_class') => issues.push(comfyIssue(code, `Node "${id}" (${n.type}): ${message}`, { nodeId: id, classType: n.type }));
    switch (n.type) {
      case 'LoadModel':
        prompt[comfyId] = { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: input(n, 'model') ?? 'auto' }, ...meta };
        break;
      case 'Tokenizer':
      case 'Scheduler':
        // Folded into the CLIPTextEncode / KSamplerAdvanced that uses them.
        break;
      case 'TextEncoder': {
        const tokenizer = producerOf(input(n, 'tokens'), 'Tokenizer');
        if (!tokenizer) {
          fail('its tokens must come from a Tokenizer');
          break;
        }
        let clip = ref(input(n, 'clip'));
        if (input(n, 'clip_skip') === 2) {
          const skipId = String(++extra);
          prompt[skipId] = { class_type: 'CLIPSetLastLayer', inputs: { clip, stop_at_clip_layer: -2 } };
          clip = [skipId, 0];
        }
        prompt[comfyId] = { class_type: 'CLIPTextEncode', inputs: { text: input(tokenizer, 'text') ?? '', clip }, ...meta };
        break;
      }
      case 'UNetStep': {
        const scheduler = producerOf(input(n, 'schedule'), 'Scheduler');
        if (!scheduler) {
          fail('its schedule must come from a Scheduler');
          break;
        }
        const steps = Number(input(scheduler, 'steps') ?? 20);
        const kept = Math.floor(steps * Number(input(scheduler, 'denoise') ?? 1));
        const start = Math.max(Number(input(n, 'start_step') ?? 0), steps - kept);
        const end = Number(input(n, 'end_step') ?? 0);
        const addNoise = input(n, 'add_noise') ?? 'auto';
        const sampler = String(input(scheduler, 'sampler') ?? 'euler');
        const scheduled = comfyScheduler(String(input(scheduler, 'schedule') ?? 'default'), sampler);
        if ('problem' in scheduled) {
          fail(scheduled.problem, 'comfy_unsupported_value');
          break;
        }
        prompt[comfyId] = {
          class_type: 'KSamplerAdvanced',
          inputs: {
            model: ref(input(n, 'unet')),
            positive: ref(input(n, 'positive')),
            negative: ref(input(n, 'negative')),
            latent_image: ref(input(n, 'latent')),
            add_noise: addNoise === 'enable' || (addNoise === 'auto' && Number(input(n, 'start_step') ?? 0) === 0) ? 'enable' : 'disable',
            noise_seed: linkInput(n, 'seed') ?? 0,
            steps,
            cfg: input(n, 'cfg') ?? 7,
            sampler_name: sampler,
            scheduler: scheduled.name,
            start_at_step: start,
            end_at_step: end === 0 ? 10000 : end,
            return_with_leftover_noise: input(n, 'return_with_leftover_noise') === false ? 'disable' : 'enable',
          },
          ...meta,
        };
        break;
      }
      case 'EmptyLatent': {
        const model = modelOf(input(n, 'unet'));
        const native = typeof model === 'string' ? options.nativeSizes?.get(model) : undefined;
        const side = (name: string) => {
          const value = input(n, name) ?? 0;
          if (value !== 0) return value;
          if (native === undefined) {
            fail(`${name} 0 means the native size of the model linked to unet, which ${model === undefined ? 'is not linked' : `("${String(model)}") is not installed here`}; set ${name}`, 'comfy_unsupported_value');
          }
          return native;
        };
        const [width, height] = [side('width'), side('height')];
        if (width === undefined || height === undefined) break;
        prompt[comfyId] = { class_type: 'EmptyLatentImage', inputs: { width, height, batch_size: input(n, 'batch_size') ?? 1 }, ...meta };
        break;
      }
      default: {
        const exported = exportedClass(n.type);
        if (!exported) {
          fail('has no ComfyUI equivalent');
          break;
        }
        const definition = options.registry.get(n.type);
        const inputs: Record<string, unknown> = Object.fromEntries(exported.widgets.map((widget) => [widget.name, 'default' in widget ? widget.default : undefined]));
        for (const [name, comfyName] of Object.entries(exported.inputs)) {
          const value = input(n, name) ?? (definition?.inputs[name] as { default?: InputValue } | undefined)?.default;
          if (value !== undefined) inputs[comfyName] = ref(value) ?? value;
        }
        prompt[comfyId] = { class_type: exported.classType, inputs, ...meta };
      }
    }
  }
  if (issues.length > 0) throw new ComfyConversionError(issues);
  return prompt;
}
