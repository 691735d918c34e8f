import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { A1111_RESIZE_MODES, generationWorkflow, type A1111ResizeMode, type GenerationSettings } from '../../compat/a1111/generation.ts';
import { hiresPassFor } from '../../compat/a1111/hires.ts';
import { samplingFor } from '../../compat/a1111/sampling.ts';
import { modelForCheckpoint } from '../../compat/comfyui/model-names.ts';
import { validateWorkflow } from '../../runtime/index.ts';
import type { ServerContext } from '../context.ts';
import { CompatError } from '../compat-errors.ts';
import { invalidWorkflow } from '../errors.ts';
import { createFileAtomic } from '../files/atomic-write.ts';
import { readImageHeader, type ImageMime } from '../files/image-header.ts';
import { resolveNamedFile } from '../files/safe-path.ts';
import type { ComfyRuns } from '../comfyui/comfy-runs.ts';
import { A1111_PROJECT_ID, type A1111Jobs } from './jobs.ts';
import type { A1111OptionsFile } from './options.ts';
import type { GenerationRequest } from './schemas.ts';

/** A generation's run failed: its code (of whichever layer) gives the status, so a bad value is a 4xx and a broken disk a 5xx. */
class GenerationFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly nodeId?: string,
  ) {
    super(message);
    this.name = 'GenerationFailed';
  }
}

export interface GenerationDeps {
  ctx: ServerContext;
  jobs: A1111Jobs;
  options: A1111OptionsFile;
  comfy: ComfyRuns;
}

/** A1111 titles a checkpoint "name.safetensors [hash]"; the hash is not needed to find it. */
const withoutHash = (title: string) => title.replace(/\s*\[[0-9a-f]{8,}\]$/i, '');

/** Stores a base64 image of the request (`field` names it in errors) in the input folder, for LoadImage/LoadImageMask. */
async function storeRequestImage(ctx: ServerContext, encoded: string, field: 'init_images[0]' | 'mask'): Promise<string> {
  const code = field === 'mask' ? 'a1111_bad_mask' : 'a1111_bad_init_image';
  const bytes = Buffer.from(encoded.replace(/^data:image\/[a-z]+;base64,/i, ''), 'base64');
  const mime: ImageMime | undefined = bytes[0] === 0x89 && bytes[1] === 0x50 ? 'image/png' : bytes[0] === 0xff && bytes[1] === 0xd8 ? 'image/jpeg' : undefined;
  if (!mime) throw new CompatError(code, `${field} is not a base64 PNG or JPEG`);
  try {
    readImageHeader(bytes, mime);
  } catch (cause) {
    throw new CompatError(code, `${field} is not a readable ${mime}: ${(cause as Error).message}`, { cause });
  }
  const dir = ctx.folders.inputs(A1111_PROJECT_ID);
  await fs.mkdir(dir, { recursive: true });
  const filename = `a1111_${field === 'mask' ? 'mask' : 'init'}_${crypto.randomUUID()}${mime === 'image/png' ? '.png' : '.jpg'}`;
  await createFileAtomic(await resolveNamedFile(dir, filename, 'init image'), bytes);
  return filename;
}

function settingsOf(deps: GenerationDeps, body: GenerationRequest): GenerationSettings {
  const { options, comfy } = deps;
  const env = comfy.environment();
  const saved = options.get();
  const overrides = body.override_settings ?? {};
  const checkpoint = withoutHash(String(overrides.sd_model_checkpoint ?? saved.sd_model_checkpoint));
  const model = modelForCheckpoint(checkpoint, env.checkpoints);
  if (model === undefined) {
    throw new CompatError('a1111_unknown_model', `sd_model_checkpoint "${checkpoint}" is not installed; available: ${env.checkpoints.join(', ')}`);
  }
  const clipSkip = Number(overrides.CLIP_stop_at_last_layers ?? saved.CLIP_stop_at_last_layers);
  if (clipSkip !== 1 && clipSkip !== 2) throw new CompatError('a1111_unsupported_clip_skip', `CLIP_stop_at_last_layers ${clipSkip}: latentflow gives 1 or 2`);
  const samplerName = body.sampler_name ?? body.sampler_index ?? 'Euler a';
  const sampling = samplingFor(samplerName, body.scheduler, { samplers: env.choices('Scheduler', 'sampler'), schedules: env.choices('Scheduler', 'schedule') });
  if ('missing' in sampling) {
    const what = sampling.missing === 'sampler_name' ? `sampler_name "${samplerName}"` : `scheduler "${body.scheduler}"`;
    throw new CompatError(sampling.missing === 'sampler_name' ? 'a1111_unknown_sampler' : 'a1111_unknown_scheduler', `${what} is not available in latentflow (GET /sdapi/v1/samplers and /schedulers list what is)`);
  }
  return {
    prompt: body.prompt ?? '',
    negative_prompt: body.negative_prompt ?? '',
    steps: body.steps ?? 50,
    cfg_scale: body.cfg_scale ?? 7,
    width: body.width ?? 512,
    height: body.height ?? 512,
    model,
    clipSkip,
    ...sampling,
    denoising_strength: body.denoising_strength ?? 0.75,
  };
}

function infotext(settings: GenerationSettings, samplerLabel: string, scheduler: string, seed: number, img2img: boolean): string {
  const parts = [
    `Steps: ${settings.steps}`,
    `Sampler: ${samplerLabel}`,
    `Schedule type: ${scheduler}`,
    `CFG scale: ${settings.cfg_scale}`,
    `Seed: ${seed}`,
    `Size: ${settings.width}x${settings.height}`,
    `Model: ${settings.model}`,
    ...(img2img || settings.hires ? [`Denoising strength: ${settings.denoising_strength}`] : []),
    ...(settings.hires ? [`Hires resize: ${settings.hires.width}x${settings.hires.height}`, `Hires steps: ${settings.hires.steps}`] : []),
    ...(settings.clipSkip > 1 ? [`Clip skip: ${settings.clipSkip}`] : []),
    'Version: latentflow',
  ];
  return `${settings.prompt}\nNegative prompt: ${settings.negative_prompt}\n${parts.join(', ')}`;
}

function resizeModeOf(body: GenerationRequest): A1111ResizeMode {
  const mode = body.resize_mode ?? 0;
  if (!Object.hasOwn(A1111_RESIZE_MODES, mode)) {
    throw new CompatError('a1111_resize_mode_unavailable', `resize_mode ${mode} ("Resize and fill") has no latentflow equivalent; use 0 (just resize), 1 (crop and resize) or 3 (latent upscale)`);
  }
  return A1111_RESIZE_MODES[mode as keyof typeof A1111_RESIZE_MODES];
}

/**
 * Inpainting as latentflow does it: the masked part is resampled from the init image ("original", SetLatentNoiseMask),
 * the mask blurred by mask_blur (A1111's default 4; it sets mask_blur_x and mask_blur_y both). What A1111 does otherwise
 * is refused by name rather than done differently. Answers the blur's sigma.
 */
function checkInpainting(body: GenerationRequest): number {
  const refuse = (message: string): never => {
    throw new CompatError('a1111_inpainting_unavailable', `Inpainting: ${message}`);
  };
  const blurX = body.mask_blur ?? body.mask_blur_x ?? 4;
  const blurY = body.mask_blur ?? body.mask_blur_y ?? 4;
  if (blurX !== blurY) refuse(`mask_blur_x ${blurX} and mask_blur_y ${blurY}: latentflow blurs the mask alike along both axes (send them equal, or mask_blur)`);
  if ((body.inpainting_fill ?? 1) !== 1) refuse(`inpainting_fill ${body.inpainting_fill}: latentflow starts the masked area from the original image (1) only`);
  if (body.inpaint_full_res === true || body.inpaint_full_res === 1) refuse('inpaint_full_res ("only masked"): latentflow inpaints the whole picture (send false)');
  if ((body.resize_mode ?? 0) === 1) refuse('resize_mode 1 (crop and resize) with a mask: latentflow stretches the mask over the image, so use 0 or 3');
  return blurX;
}

/** POST /sdapi/v1/txt2img and /img2img: one run per image on the shared queue, answered as A1111 does. */
export async function generate(deps: GenerationDeps, body: GenerationRequest, mode: 'txt2img' | 'img2img') {
  if (mode === 'img2img' && !body.init_images?.length) throw new CompatError('a1111_bad_init_image', 'img2img needs init_images with one base64 image');
  const settings = settingsOf(deps, body);
  if (mode === 'img2img') {
    settings.resizeMode = resizeModeOf(body);
    const masked = typeof body.mask === 'string' && body.mask !== '';
    const blur = masked ? checkInpainting(body) : 0;
    settings.initImage = await storeRequestImage(deps.ctx, (body.init_images as string[])[0], 'init_images[0]');
    if (masked) settings.mask = { file: await storeRequestImage(deps.ctx, body.mask as string, 'mask'), invert: body.inpainting_mask_invert === 1, blur };
  }
  // A1111's img2img has no hires fix (it ignores enable_hr there).
  if (mode === 'txt2img' && body.enable_hr) {
    const hires = hiresPassFor({ ...body, ...settings });
    if ('unavailable' in hires) throw new CompatError('a1111_hires_fix_unavailable', `Hires fix: ${hires.unavailable}`);
    settings.hires = hires;
  }

  const count = (body.batch_size ?? 1) * (body.n_iter ?? 1);
  const seed = body.seed === undefined || body.seed === -1 ? crypto.randomInt(2 ** 32) : body.seed;
  const seeds = Array.from({ length: count }, (_, i) => (seed + i) % 2 ** 32);
  const samplerLabel = body.sampler_name ?? body.sampler_index ?? 'Euler a';
  const scheduler = body.scheduler ?? 'Automatic';
  const texts = seeds.map((s) => infotext(settings, samplerLabel, scheduler, s, mode === 'img2img'));
  const workflows = seeds.map((s, i) => {
    const workflow = generationWorkflow(settings, s, mode, deps.comfy.environment().versionOf);
    return { ...workflow, meta: { ...workflow.meta, pngText: { parameters: texts[i] } } };
  });
  const problems = validateWorkflow(workflows[0], deps.ctx.registry);
  if (problems.length > 0) throw invalidWorkflow(problems, `The request makes an invalid workflow: ${problems.map((p) => p.message).join('; ')}`);

  const runs = await deps.jobs.run(workflows);
  const failed = runs.find((run) => run.status === 'failed');
  if (failed?.error) {
    throw new GenerationFailed(failed.error.code, `Generation failed: ${failed.error.message}`, failed.error.nodeId);
  }
  const images = body.send_images === false ? [] : (await Promise.all(runs.filter((run) => run.status === 'finished').map((run) => deps.jobs.imagesOf(run)))).flat();
  const info = {
    prompt: settings.prompt,
    all_prompts: seeds.map(() => settings.prompt),
    negative_prompt: settings.negative_prompt,
    all_negative_prompts: seeds.map(() => settings.negative_prompt),
    seed,
    all_seeds: seeds,
    subseed: -1,
    all_subseeds: seeds.map(() => -1),
    subseed_strength: 0,
    width: settings.width,
    height: settings.height,
    sampler_name: samplerLabel,
    scheduler,
    cfg_scale: settings.cfg_scale,
    steps: settings.steps,
    batch_size: body.batch_size ?? 1,
    sd_model_name: settings.model,
    clip_skip: settings.clipSkip,
    denoising_strength: mode === 'img2img' ? settings.denoising_strength : null,
    infotexts: texts,
    styles: [],
    job_timestamp: new Date().toISOString().replace(/\D/g, '').slice(0, 14),
    version: `latentflow ${deps.ctx.version}`,
    run_ids: runs.map((run) => run.id),
  };
  const { init_images: _init, ...parameters } = body;
  return { images, parameters: { ...parameters, seed, ...(mode === 'img2img' ? { init_images: null } : {}) }, info: JSON.stringify(info) };
}
