import type { RunRequest } from '../../api/client.ts';
import { EditorError } from '../../errors.ts';
import type { FormBindings, FormField } from './form-bindings.ts';

export interface GenerateSettings {
  prompt: string;
  negative: string;
  sampler: string;
  /** How the noise levels are spaced: `default` or `karras`. */
  schedule: string;
  steps: number;
  cfg: number;
  seed: number;
  randomizeSeed: boolean;
  width: number;
  height: number;
  /** Images made at once by one run. */
  batchSize: number;
  /** Runs queued one after the other, each with the next seed. */
  batchCount: number;
  /** img2img and inpaint: how much of the init image is re-noised (the schedule's denoise). */
  strength: number;
}

export type GenerationRequest = RunRequest & { workflowName: string; overrides: Record<string, unknown> };

/** The shipped workflows the generate page runs: txt2img, img2img with an init image, inpaint when a mask is painted on it. */
export type GenerateMode = 'txt2img' | 'img2img' | 'inpaint';

/** The uploaded init image; `masked` when its alpha channel holds a painted mask (transparent = repaint). */
export interface InitImage { image: string; masked: boolean }

const modeOf = (init?: InitImage): GenerateMode => (init === undefined ? 'txt2img' : init.masked ? 'inpaint' : 'img2img');

/**
 * The runs the generate page asks for: the project's txt2img workflow, img2img when an init image
 * was uploaded, or inpaint when it carries a painted mask (its LoadImageMask reads the same file's
 * alpha), with the form's values as overrides on the inputs that workflow declares for them
 * (`meta.form`); a field the workflow does not take is left out. One request per batch count.
 */
export function generationRequests(
  settings: GenerateSettings,
  forms: Record<GenerateMode, FormBindings>,
  init?: InitImage,
): GenerationRequest[] {
  const workflowName = modeOf(init);
  const form = forms[workflowName];
  if (workflowName === 'inpaint' && !(form.image && form.mask && form.maskChannel)) {
    throw new EditorError('bad_workflow', 'The project\'s inpaint workflow does not declare where the image and its mask go (meta.form: image, mask, maskChannel)');
  }
  const values: Partial<Record<FormField, unknown>> = {
    prompt: settings.prompt,
    negative: settings.negative,
    sampler: settings.sampler,
    schedule: settings.schedule,
    steps: settings.steps,
    cfg: settings.cfg,
    ...(init === undefined
      ? { width: settings.width, height: settings.height, batchSize: settings.batchSize }
      : { image: init.image, strength: settings.strength }),
    ...(init?.masked ? { mask: init.image, maskChannel: 'alpha' } : {}),
  };
  const overrides: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(values) as [FormField, unknown][]) {
    const binding = form[field];
    if (binding) overrides[`${binding.node}.${binding.input}`] = value;
  }
  const count = Math.max(1, Math.floor(settings.batchCount));
  return Array.from({ length: count }, (_, i) => {
    const seeded = { ...overrides };
    if (form.seed) seeded[`${form.seed.node}.${form.seed.input}`] = (settings.seed + i) >>> 0;
    return { workflowName, overrides: seeded };
  });
}
