import { describe, expect, it } from 'vitest';
import { hiresPassFor } from '../../../compat/a1111/hires.ts';

const request = { width: 512, height: 768, steps: 20, denoising_strength: 0.7 };

describe('A1111 hires fix as a latentflow pass', () => {
  it('defaults as A1111: hr_scale 2, the Latent (bilinear) upscaler, the first pass\'s steps', () => {
    expect(hiresPassFor(request)).toEqual({ width: 1024, height: 1536, method: 'bilinear', steps: 20, denoise: 0.7 });
  });

  it('targets int(side * hr_scale) pixels, floored to the latent\'s multiples of 8, and runs hr_second_pass_steps', () => {
    expect(hiresPassFor({ ...request, width: 100, height: 60, hr_scale: 1.5, hr_upscaler: 'Latent (bicubic)', hr_second_pass_steps: 8 })).toEqual({
      width: 144,
      height: 88,
      method: 'bicubic',
      steps: 8,
      denoise: 0.7,
    });
    expect(hiresPassFor({ ...request, hr_upscaler: 'Latent (nearest-exact)', hr_second_pass_steps: 0 })).toMatchObject({ method: 'nearest-exact', steps: 20 });
  });

  it('says what is not done: image upscalers, the antialiased latent modes, hr_resize_x/y', () => {
    expect(hiresPassFor({ ...request, hr_upscaler: 'R-ESRGAN 4x+' })).toEqual({ unavailable: expect.stringContaining('hr_upscaler "R-ESRGAN 4x+"') });
    expect(hiresPassFor({ ...request, hr_upscaler: 'Latent (antialiased)' })).toHaveProperty('unavailable');
    expect(hiresPassFor({ ...request, hr_resize_y: 1024 })).toEqual({ unavailable: expect.stringContaining('hr_resize_x/hr_resize_y') });
  });
});
