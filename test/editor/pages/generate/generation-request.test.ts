import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formBindings } from '../../../../editor/src/pages/generate/form-bindings.ts';
import { generationRequests, type GenerateSettings } from '../../../../editor/src/pages/generate/generation-request.ts';
import { SAMPLERS } from '../../../../models/schedulers/index.ts';

const settings: GenerateSettings = {
  prompt: 'a cat', negative: 'blurry', sampler: 'euler_ancestral', schedule: 'karras', steps: 12, cfg: 6.5, seed: 99,
  randomizeSeed: false, width: 384, height: 256, batchSize: 4, batchCount: 1, strength: 0.6,
};

const shipped = (name: string) => JSON.parse(readFileSync(path.resolve(import.meta.dirname, `../../../../workflows/${name}.json`), 'utf8'));
const forms = { txt2img: formBindings(shipped('txt2img')), img2img: formBindings(shipped('img2img')), inpaint: formBindings(shipped('inpaint')) };

describe('the generate page run request', () => {
  it('is tested with a sampler the Scheduler node offers', () => {
    expect(SAMPLERS).toContain(settings.sampler);
  });

  it('runs txt2img with size, batch size and karras on the inputs the shipped workflow declares', () => {
    expect(generationRequests(settings, forms)).toEqual([{
      workflowName: 'txt2img',
      overrides: {
        'positive.text': 'a cat', 'negative.text': 'blurry', 'schedule.sampler': 'euler_ancestral', 'schedule.schedule': 'karras',
        'schedule.steps': 12, 'unet.cfg': 6.5, 'unet.seed': 99, 'latent.width': 384, 'latent.height': 256, 'latent.batch_size': 4,
      },
    }]);
  });

  it('runs img2img with the uploaded image and strength as denoise', () => {
    const [request] = generationRequests(settings, forms, { image: 'upload_1.png', masked: false });
    expect(request.workflowName).toBe('img2img');
    expect(request.overrides['image.image']).toBe('upload_1.png');
    expect(request.overrides['schedule.denoise']).toBe(0.6);
    expect(request.overrides).not.toHaveProperty('latent.width');
    expect(request.overrides).not.toHaveProperty('latent.batch_size');
  });

  it('runs inpaint on a masked upload: LoadImage and LoadImageMask read the same file, the mask from its alpha', () => {
    const [request] = generationRequests(settings, forms, { image: 'cat-masked.png', masked: true });
    expect(request.workflowName).toBe('inpaint');
    expect(request.overrides).toMatchObject({
      'image.image': 'cat-masked.png', 'mask.image': 'cat-masked.png', 'mask.channel': 'alpha', 'schedule.denoise': 0.6, 'positive.text': 'a cat', 'unet.seed': 99,
    });
    expect(request.overrides).not.toHaveProperty('latent.width');
  });

  it('refuses to inpaint with a workflow that does not say where the mask goes, rather than using its example mask', () => {
    const noMask = { ...forms, inpaint: { ...forms.inpaint, mask: undefined } };
    expect(() => generationRequests(settings, noMask, { image: 'cat-masked.png', masked: true })).toThrow(expect.objectContaining({ code: 'bad_workflow' }));
  });

  it('queues one run per batch count, each with the next seed', () => {
    const requests = generationRequests({ ...settings, batchCount: 3, seed: 4294967295 }, forms);
    expect(requests.map((r) => r.overrides['unet.seed'])).toEqual([4294967295, 0, 1]);
  });

  it('follows a workflow whose nodes were renamed, through its meta.form', () => {
    const renamed = {
      meta: { form: { prompt: { node: 'my prompt', input: 'text' }, seed: { node: 'sampler', input: 'seed' }, steps: { node: 'gone', input: 'steps' } } },
      nodes: { 'my prompt': {}, sampler: {} },
    };
    const [request] = generationRequests(settings, { txt2img: formBindings(renamed), img2img: {}, inpaint: {} });
    expect(request.overrides).toEqual({ 'my prompt.text': 'a cat', 'sampler.seed': 99 });
  });

  it('uses the old fixed node ids for a workflow that declares no form (a project made before meta.form)', () => {
    const old = shipped('txt2img');
    delete old.meta.form;
    expect(formBindings(old)).toMatchObject(forms.txt2img);
  });
});
