import type { RunRequest } from '../../api/client.ts';

export interface GenerateSettings {
  prompt: string;
  negative: string;
  sampler: string;
  steps: number;
  cfg: number;
  seed: number;
  randomizeSeed: boolean;
  width: number;
  height: number;
  /** img2img only: how much of the init image is re-noised (the schedule's denoise). */
  strength: number;
}

/**
 * The run the generate page asks for: the project's txt2img workflow, or img2img when an init
 * image was uploaded, with the form's values as overrides on the shipped workflows' node ids.
 */
export function generationRequest(settings: GenerateSettings, initImage?: string): RunRequest & { workflowName: string; overrides: Record<string, unknown> } {
  const overrides: Record<string, unknown> = {
    'positive.text': settings.prompt,
    'negative.text': settings.negative,
    'schedule.sampler': settings.sampler,
    'schedule.steps': settings.steps,
    'unet.cfg': settings.cfg,
    'unet.seed': settings.seed,
  };
  if (initImage === undefined) {
    overrides['latent.width'] = settings.width;
    overrides['latent.height'] = settings.height;
    return { workflowName: 'txt2img', overrides };
  }
  overrides['image.image'] = initImage;
  overrides['schedule.denoise'] = settings.strength;
  return { workflowName: 'img2img', overrides };
}
