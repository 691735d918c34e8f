import type { InputValue, Workflow } from '../../runtime/index.ts';

/** What latentflow reads of an A1111 txt2img/img2img request, defaults filled in as A1111 fills them. */
export interface GenerationSettings {
  prompt: string;
  negative_prompt: string;
  steps: number;
  cfg_scale: number;
  width: number;
  height: number;
  /** The model's LoadModel name. */
  model: string;
  clipSkip: number;
  sampler: string;
  schedule: string;
  /** img2img: the init image's file in the input folder, and how much of it changes. */
  initImage?: string;
  /** img2img: how the init image becomes width x height (A1111's resize_mode 0, 1 or 3). */
  resizeMode?: A1111ResizeMode;
  /**
   * img2img inpainting: the mask's file in the input folder (white repaints, black keeps, unless inverted), and the
   * Gaussian sigma it is blurred by (A1111's mask_blur; 0 keeps it as sent).
   */
  mask?: { file: string; invert: boolean; blur: number };
  denoising_strength: number;
  /** txt2img hires fix: the first pass's latent resized to `width` x `height` and denoised again. */
  hires?: HiresPass;
}

/**
 * A1111's resize_mode values latentflow does: 0 "Just resize" (stretch), 1 "Crop and resize" (cover, crop the centre),
 * 3 "Just resize (latent upscale)" (encode, then resize the latent bilinearly). 2 "Resize and fill" has no node.
 */
export const A1111_RESIZE_MODES = { 0: 'stretch', 1: 'crop', 3: 'latent' } as const;
export type A1111ResizeMode = (typeof A1111_RESIZE_MODES)[keyof typeof A1111_RESIZE_MODES];

/** A1111's hires fix as latentflow does it: LatentUpscale, then a second UNetStep as img2img on that latent. */
export interface HiresPass {
  width: number;
  height: number;
  method: string;
  /** `center` when hr_resize_x and hr_resize_y both set a new aspect ratio (A1111 covers it and crops the centre). */
  crop: 'disabled' | 'center';
  steps: number;
  /** Fewer than one step of int(steps * denoise) leaves the upscaled latent as it is. */
  denoise: number;
}

/**
 * One image's latentflow workflow (A1111 seeds image i of a request with seed + i, so each image is its own run).
 * img2img follows A1111: int(steps * denoising_strength) steps run, on the encoded init image.
 */
export function generationWorkflow(settings: GenerationSettings, seed: number, filenamePrefix: string, versionOf: (type: string) => number): Workflow {
  const link = (from: string, output: string) => ({ from, output });
  const encode = (text: string, tokens: string): Record<string, { type: string; inputs: Record<string, InputValue> }> => ({
    [tokens]: { type: 'Tokenizer', inputs: { clip: link('model', 'clip'), text } },
    [`encode_${tokens}`]: { type: 'TextEncoder', inputs: { clip: link('model', 'clip'), tokens: link(tokens, 'tokens'), clip_skip: settings.clipSkip } },
  });
  const latentNodes: Workflow['nodes'] = settings.initImage
    ? img2imgNodes(settings, settings.initImage)
    : { latent: { type: 'EmptyLatent', inputs: { unet: link('model', 'unet'), width: settings.width, height: settings.height, batch_size: 1 } } };
  const nodes: Workflow['nodes'] = {
    model: { type: 'LoadModel', inputs: { model: settings.model, backend: 'default' } },
    ...encode(settings.prompt, 'positive'),
    ...encode(settings.negative_prompt, 'negative'),
    schedule: {
      type: 'Scheduler',
      inputs: { sampler: settings.sampler, schedule: settings.schedule, steps: settings.steps, denoise: settings.initImage ? settings.denoising_strength : 1 },
    },
    ...latentNodes,
    unet: {
      type: 'UNetStep',
      inputs: {
        unet: link('model', 'unet'),
        positive: link('encode_positive', 'conditioning'),
        negative: link('encode_negative', 'conditioning'),
        latent: link('latent', 'latent'),
        schedule: link('schedule', 'schedule'),
        cfg: settings.cfg_scale,
        seed,
        start_step: 0,
        end_step: 0,
      },
    },
    ...(settings.hires ? hiresNodes(settings, settings.hires, seed) : {}),
    decode: { type: 'VAEDecode', inputs: { vae: link('model', 'vae'), latent: link(settings.hires ? 'hires' : 'unet', 'latent') } },
    save: { type: 'SaveImage', inputs: { image: link(settings.mask ? 'pasted' : 'decode', 'image'), filename_prefix: filenamePrefix } },
  };
  // Each node records the version its inputs were written for, so later migrations know what they hold.
  for (const node of Object.values(nodes)) if (versionOf(node.type) > 1) node.version = versionOf(node.type);
  return { version: 1, meta: { source: 'a1111-api' }, nodes };
}

/**
 * The init image at width x height (floored to multiples of 8) as A1111's resize_mode says, encoded; with a mask,
 * SetLatentNoiseMask makes sampling change only the masked part (the mask stretched over the image, as the image is),
 * and `pasted` lays the decoded image over the init image through the same (inverted, then blurred) mask, as A1111 does.
 */
function img2imgNodes(settings: GenerationSettings, initImage: string): Workflow['nodes'] {
  const link = (from: string, output: string) => ({ from, output });
  const [width, height] = [Math.floor(settings.width / 8) * 8, Math.floor(settings.height / 8) * 8];
  const mode = settings.resizeMode ?? 'stretch';
  // The init image's latent at the requested size is `latent`, or `encoded` when a noise mask follows.
  const target = settings.mask ? 'encoded' : 'latent';
  const nodes: Workflow['nodes'] = { image: { type: 'LoadImage', inputs: { image: initImage } } };
  const scaled = { type: 'ImageScale', inputs: { image: link('image', 'image'), upscale_method: 'lanczos', width, height, crop: mode === 'crop' ? 'center' : 'disabled' } };
  if (mode === 'latent') {
    if (settings.mask) nodes.scaled = scaled;
    nodes.encoded_init = { type: 'VAEEncode', inputs: { vae: link('model', 'vae'), image: link('image', 'image') } };
    nodes[target] = { type: 'LatentUpscale', inputs: { latent: link('encoded_init', 'latent'), upscale_method: 'bilinear', width, height, crop: 'disabled' } };
  } else {
    nodes.scaled = scaled;
    nodes[target] = { type: 'VAEEncode', inputs: { vae: link('model', 'vae'), image: link('scaled', 'image') } };
  }
  if (!settings.mask) return nodes;
  nodes.mask = { type: 'LoadImageMask', inputs: { image: settings.mask.file, channel: 'red' } };
  let used = 'mask';
  if (settings.mask.invert) {
    nodes.mask_inverted = { type: 'InvertMask', inputs: { mask: link(used, 'mask') } };
    used = 'mask_inverted';
  }
  if (settings.mask.blur > 0) {
    nodes.mask_blurred = { type: 'BlurMask', inputs: { mask: link(used, 'mask'), sigma: settings.mask.blur } };
    used = 'mask_blurred';
  }
  nodes.latent = { type: 'SetLatentNoiseMask', inputs: { latent: link('encoded', 'latent'), mask: link(used, 'mask') } };
  nodes.pasted = { type: 'ImageCompositeMasked', inputs: { destination: link('scaled', 'image'), source: link('decode', 'image'), x: 0, y: 0, resize_source: false, mask: link(used, 'mask') } };
  return nodes;
}

function hiresNodes(settings: GenerationSettings, hires: HiresPass, seed: number): Workflow['nodes'] {
  const link = (from: string, output: string) => ({ from, output });
  const upscale = { type: 'LatentUpscale', inputs: { latent: link('unet', 'latent'), upscale_method: hires.method, width: hires.width, height: hires.height, crop: hires.crop } };
  if (Math.floor(hires.steps * hires.denoise) === 0) return { hires: upscale };
  return {
    upscale,
    hires_schedule: { type: 'Scheduler', inputs: { sampler: settings.sampler, schedule: settings.schedule, steps: hires.steps, denoise: hires.denoise } },
    hires: {
      type: 'UNetStep',
      inputs: {
        unet: link('model', 'unet'),
        positive: link('encode_positive', 'conditioning'),
        negative: link('encode_negative', 'conditioning'),
        latent: link('upscale', 'latent'),
        schedule: link('hires_schedule', 'schedule'),
        cfg: settings.cfg_scale,
        seed,
        start_step: 0,
        end_step: 0,
      },
    },
  };
}
