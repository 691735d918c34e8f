import { describe, expect, it } from 'vitest';
import { generationRequest, type GenerateSettings } from '../../../../editor/src/pages/generate/generation-request.ts';
import { SAMPLERS } from '../../../../models/schedulers/index.ts';

const settings: GenerateSettings = {
  prompt: 'a cat', negative: 'blurry', sampler: 'euler_ancestral', steps: 12, cfg: 6.5, seed: 99,
  randomizeSeed: false, width: 384, height: 256, strength: 0.6,
};

describe('the generate page run request', () => {
  it('is tested with a sampler the Scheduler node offers', () => {
    expect(SAMPLERS).toContain(settings.sampler);
  });

  it('runs txt2img with size overrides when there is no init image', () => {
    expect(generationRequest(settings)).toEqual({
      workflowName: 'txt2img',
      overrides: {
        'positive.text': 'a cat', 'negative.text': 'blurry', 'schedule.sampler': 'euler_ancestral', 'schedule.steps': 12,
        'unet.cfg': 6.5, 'unet.seed': 99, 'latent.width': 384, 'latent.height': 256,
      },
    });
  });

  it('runs img2img with the uploaded image and strength as denoise', () => {
    const request = generationRequest(settings, 'upload_1.png');
    expect(request.workflowName).toBe('img2img');
    expect(request.overrides['image.image']).toBe('upload_1.png');
    expect(request.overrides['schedule.denoise']).toBe(0.6);
    expect(request.overrides).not.toHaveProperty('latent.width');
  });
});
