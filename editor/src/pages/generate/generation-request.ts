import type { RunRequest } from '../../api/client.ts';
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
  /** img2img only: how much of the init image is re-noised (the schedule's denoise). */
  strength: number;
}

export type GenerationRequest = RunRequest & { workflowName: string; overrides: Record<string, unknown> };

/**
 * The runs the generate page asks for: the project's txt2img workflow, or img2img when an init
 * image was uploaded, with the form's values as overrides on the inputs that workflow declares for
 * them (`meta.form`); a field the workflow does not take is left out. One request per batch count.
 */
export function generationRequests(
  settings: GenerateSettings,
  forms: { txt2img: FormBindings; img2img: FormBindings },
  initImage?: string,
): GenerationRequest[] {
  const workflowName = initImage === undefined ? 'txt2img' : 'img2img';
  const form = forms[workflowName];
  const values: Partial<Record<FormField, unknown>> = {
    prompt: settings.prompt,
    negative: settings.negative,
    sampler: settings.sampler,
    schedule: settings.schedule,
    steps: settings.steps,
    cfg: settings.cfg,
    ...(initImage === undefined
      ? { width: settings.width, height: settings.height, batchSize: settings.batchSize }
      : { image: initImage, strength: settings.strength }),
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
