import { describe, expect, it } from 'vitest';
import { hiresPassFor } from '../../../compat/a1111/hires.ts';

const request = { width: 512, height: 768, steps: 20, denoising_strength: 0.7 };

describe('A1111 hires fix as a latentflow pass', () => {
  it('defaults as A1111: hr_scale 2, the Latent (bilinear) upscaler, the first pass\'s steps', () => {
    expect(hiresPassFor(request)).toEqual({ width: 1024, height: 1536, method: 'bilinear', crop: 'disabled', steps: 20, denoise: 0.7 });
  });

  it('targets int(side * hr_scale) pixels, floored to the latent\'s multiples of 8, and runs hr_second_pass_steps', () => {
    expect(hiresPassFor({ ...request, width: 100, height: 60, hr_scale: 1.5, hr_upscaler: 'Latent (bicubic)', hr_second_pass_steps: 8 })).toEqual({
      width: 144,
      height: 88,
      method: 'bicubic',
      crop: 'disabled',
      steps: 8,
      denoise: 0.7,
    });
    expect(hiresPassFor({ ...request, hr_upscaler: 'Latent (nearest-exact)', hr_second_pass_steps: 0 })).toMatchObject({ method: 'nearest-exact', steps: 20 });
  });

  it('hr_resize_x/y as A1111: one side keeps the aspect ratio, both cover that size and crop the centre; they win over hr_scale', () => {
    expect(hiresPassFor({ ...request, hr_scale: 3, hr_resize_y: 1024 })).toMatchObject({ width: 680, height: 1024, crop: 'disabled' });
    expect(hiresPassFor({ ...request, hr_resize_x: 1000 })).toMatchObject({ width: 1000, height: 1496, crop: 'disabled' });
    expect(hiresPassFor({ ...request, hr_resize_x: 1024, hr_resize_y: 1024 })).toMatchObject({ width: 1024, height: 1024, crop: 'center' });
  });

  it('says what is not done: image upscalers, the antialiased latent modes', () => {
    expect(hiresPassFor({ ...request, hr_upscaler: 'R-ESRGAN 4x+' })).toEqual({ unavailable: expect.stringContaining('hr_upscaler "R-ESRGAN 4x+"') });
    expect(hiresPassFor({ ...request, hr_upscaler: 'Latent (antialiased)' })).toHaveProperty('unavailable');
  });
});
