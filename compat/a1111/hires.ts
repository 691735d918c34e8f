import type { HiresPass } from './generation.ts';

/** A1111's latent hires upscalers that latentflow's LatentUpscale does exactly (no antialiasing, no plain `nearest`). */
export const HIRES_LATENT_UPSCALERS: Readonly<Record<string, string>> = {
  Latent: 'bilinear',
  'Latent (bicubic)': 'bicubic',
  'Latent (nearest-exact)': 'nearest-exact',
};

export interface HiresRequest {
  width: number;
  height: number;
  steps: number;
  denoising_strength: number;
  hr_scale?: number;
  hr_upscaler?: string;
  hr_second_pass_steps?: number;
  hr_resize_x?: number;
  hr_resize_y?: number;
}

/**
 * The hires pass for a txt2img request, A1111's way: the target is int(side * hr_scale) pixels (the latent is 1/8 of
 * it), the second pass runs hr_second_pass_steps (0: `steps`) at denoising_strength. A string says what is not done.
 */
export function hiresPassFor(request: HiresRequest): HiresPass | { unavailable: string } {
  const upscaler = request.hr_upscaler ?? 'Latent';
  const method = HIRES_LATENT_UPSCALERS[upscaler];
  if (method === undefined) {
    return { unavailable: `hr_upscaler "${upscaler}": latentflow's hires fix upscales latents with ${Object.keys(HIRES_LATENT_UPSCALERS).join(', ')}` };
  }
  if ((request.hr_resize_x ?? 0) > 0 || (request.hr_resize_y ?? 0) > 0) {
    return { unavailable: 'hr_resize_x/hr_resize_y: latentflow\'s hires fix takes hr_scale (leave both 0)' };
  }
  const scale = request.hr_scale ?? 2;
  const side = (pixels: number) => Math.floor(Math.floor(pixels * scale) / 8) * 8;
  return {
    width: side(request.width),
    height: side(request.height),
    method,
    steps: request.hr_second_pass_steps || request.steps,
    denoise: request.denoising_strength,
  };
}
