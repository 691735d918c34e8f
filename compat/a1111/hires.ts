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
 * The hires pass for a txt2img request, A1111's way: the target is int(side * hr_scale) pixels, or hr_resize_x x
 * hr_resize_y (the latent is 1/8 of it), the second pass runs hr_second_pass_steps (0: `steps`) at denoising_strength. A string says what is not done.
 */
export function hiresPassFor(request: HiresRequest): HiresPass | { unavailable: string } {
  const upscaler = request.hr_upscaler ?? 'Latent';
  const method = HIRES_LATENT_UPSCALERS[upscaler];
  if (method === undefined) {
    return { unavailable: `hr_upscaler "${upscaler}": latentflow's hires fix upscales latents with ${Object.keys(HIRES_LATENT_UPSCALERS).join(', ')}` };
  }
  const latentSide = (pixels: number) => Math.floor(pixels / 8) * 8;
  const steps = request.hr_second_pass_steps || request.steps;
  const [x, y] = [request.hr_resize_x ?? 0, request.hr_resize_y ?? 0];
  if (x > 0 || y > 0) {
    // A1111: one side given keeps the aspect ratio; both given cover that size and crop the centre to it.
    const width = x > 0 ? x : Math.floor((y * request.width) / request.height);
    const height = y > 0 ? y : Math.floor((x * request.height) / request.width);
    const crop = x > 0 && y > 0 ? 'center' : 'disabled';
    return { width: latentSide(width), height: latentSide(height), method, crop, steps, denoise: request.denoising_strength };
  }
  const scale = request.hr_scale ?? 2;
  return {
    width: latentSide(Math.floor(request.width * scale)),
    height: latentSide(Math.floor(request.height * scale)),
    method,
    crop: 'disabled',
    steps,
    denoise: request.denoising_strength,
  };
}
