import { isLink, type InputValue, type Link, type Workflow, type WorkflowNode } from '../../runtime/index.ts';
import type { ApiPrompt } from './api-prompt.ts';
import { comfyIssue, ComfyConversionError, type ComfyIssue } from './errors.ts';

/** SD 1.5's native size, for EmptyLatent's 0 ("the model's size"), which ComfyUI has no word for. */
const NATIVE_SIZE = 512;
const OUTPUT_SLOTS: Record<string, Record<string, number>> = { LoadModel: { unet: 0, clip: 1, vae: 2 } };
const FIRST_SLOT = 0;

/** Latentflow schedules in ComfyUI's names (the inverse of sampling-names.ts). */
const COMFY_SCHEDULER: Record<string, string> = { default: 'normal' };

/**
 * A latentflow workflow in ComfyUI's API format, for the node types that map back: LoadModel, Tokenizer +
 * TextEncoder (CLIPTextEncode, with CLIPSetLastLayer for clip_skip 2), Scheduler + UNetStep (KSamplerAdvanced,
 * which expresses steps, denoise and splits exactly), EmptyLatent, VAEEncode/Decode, LoadImage, Save/PreviewImage.
 */
export function workflowToApiPrompt(workflow: Workflow): ApiPrompt {
  const ids = new Map(Object.keys(workflow.nodes).map((id, index) => [id, String(index + 1)]));
  const issues: ComfyIssue[] = [];
  const prompt: ApiPrompt = {};
  const node = (id: string): WorkflowNode => workflow.nodes[id];
  const input = (n: WorkflowNode, name: string): InputValue | undefined => n.inputs?.[name];
  const ref = (value: InputValue | undefined): [string, number] | undefined => {
    if (!isLink(value)) return undefined;
    const producer = node(value.from);
    return [ids.get(value.from) ?? value.from, OUTPUT_SLOTS[producer?.type ?? '']?.[value.output] ?? FIRST_SLOT];
  };
  const linkInput = (n: WorkflowNode, name: string) => ref(input(n, name)) ?? input(n, name);
  const producerOf = (value: InputValue | undefined, type: string): WorkflowNode | undefined => {
    const producer = isLink(value) ? node((value as Link).from) : undefined;
    return producer?.type === type ? producer : undefined;
  };
  let extra = Object.keys(workflow.nodes).length;

  for (const [id, n] of Object.entries(workflow.nodes)) {
    const comfyId = ids.get(id) as string;
    const meta = n.title ? { _meta: { title: n.title } } : {};
    const fail = (message: string) => issues.push(comfyIssue('comfy_unmapped_class', `Node "${id}" (${n.type}): ${message}`, { nodeId: id, classType: n.type }));
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
        const schedule = String(input(scheduler, 'schedule') ?? 'default');
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
            sampler_name: input(scheduler, 'sampler') ?? 'euler',
            scheduler: COMFY_SCHEDULER[schedule] ?? schedule,
            start_at_step: start,
            end_at_step: end === 0 ? 10000 : end,
            return_with_leftover_noise: input(n, 'return_with_leftover_noise') === false ? 'disable' : 'enable',
          },
          ...meta,
        };
        break;
      }
      case 'EmptyLatent': {
        const side = (name: string) => (input(n, name) === 0 || input(n, name) === undefined ? NATIVE_SIZE : input(n, name));
        prompt[comfyId] = { class_type: 'EmptyLatentImage', inputs: { width: side('width'), height: side('height'), batch_size: input(n, 'batch_size') ?? 1 }, ...meta };
        break;
      }
      case 'VAEDecode':
        prompt[comfyId] = { class_type: 'VAEDecode', inputs: { samples: ref(input(n, 'latent')), vae: ref(input(n, 'vae')) }, ...meta };
        break;
      case 'VAEEncode':
        prompt[comfyId] = { class_type: 'VAEEncode', inputs: { pixels: ref(input(n, 'image')), vae: ref(input(n, 'vae')) }, ...meta };
        break;
      case 'LoadImage':
        prompt[comfyId] = { class_type: 'LoadImage', inputs: { image: input(n, 'image') ?? 'example.png' }, ...meta };
        break;
      case 'SaveImage':
        prompt[comfyId] = { class_type: 'SaveImage', inputs: { images: ref(input(n, 'image')), filename_prefix: input(n, 'filename_prefix') ?? 'latentflow' }, ...meta };
        break;
      case 'PreviewImage':
        prompt[comfyId] = { class_type: 'PreviewImage', inputs: { images: ref(input(n, 'image')) }, ...meta };
        break;
      default:
        fail('has no ComfyUI equivalent');
    }
  }
  if (issues.length > 0) throw new ComfyConversionError(issues);
  return prompt;
}
