import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng, encodePng, readPngText } from '../../../nodes/lib/png.ts';
import { nearestColour } from '../../../training/shapes-vocabulary.ts';
import { silentLogger } from '../../../runtime/index.ts';
import { createServer, type LatentflowServer } from '../../../server/index.ts';
import { centreColour, cornerColour } from '../../support/shape-colours.ts';
import { solidPng, tempDir } from '../helpers.ts';

const REPO_DATA = path.resolve(import.meta.dirname, '../../../data');

/** A txt2img request the way A1111's own clients send it (every field of StableDiffusionProcessingTxt2Img they fill in). */
const txt2imgRequest = {
  prompt: 'a red circle on a blue background',
  negative_prompt: '',
  styles: [],
  seed: 7,
  subseed: -1,
  subseed_strength: 0,
  seed_resize_from_h: -1,
  seed_resize_from_w: -1,
  sampler_name: 'Euler',
  scheduler: 'Automatic',
  batch_size: 2,
  n_iter: 1,
  steps: 20,
  cfg_scale: 7,
  width: 64,
  height: 64,
  restore_faces: false,
  tiling: false,
  do_not_save_samples: false,
  do_not_save_grid: false,
  eta: 0,
  denoising_strength: 0,
  override_settings: { sd_model_checkpoint: 'shapes-tiny', CLIP_stop_at_last_layers: 1 },
  override_settings_restore_afterwards: true,
  script_args: [],
  sampler_index: 'Euler',
  send_images: true,
  save_images: false,
  alwayson_scripts: {},
  enable_hr: false,
};

describe('the A1111 API (/sdapi/v1) on shapes-tiny', () => {
  let server: LatentflowServer;
  const post = (url: string, payload: unknown) => server.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown> });
  let firstImage: string;

  beforeAll(async () => {
    const dataDir = tempDir('a1111');
    fs.symlinkSync(path.join(REPO_DATA, 'models'), path.join(dataDir, 'models'));
    server = await createServer({ dataDir, pluginsDir: tempDir('no-plugins'), logger: silentLogger, editorDir: path.join(tempDir('no-editor'), 'dist') });
  });
  afterAll(() => server?.close());

  it('txt2img answers {images, parameters, info} with base64 PNGs, info holding seed and all_seeds', async () => {
    const response = await post('/sdapi/v1/txt2img', txt2imgRequest);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.images).toHaveLength(2);
    const info = JSON.parse(body.info);
    expect(info.seed).toBe(7);
    expect(info.all_seeds).toEqual([7, 8]);
    expect(body.parameters.prompt).toBe(txt2imgRequest.prompt);
    const png = Buffer.from(body.images[0], 'base64');
    const image = decodePng(png);
    expect([image.width, image.height]).toEqual([64, 64]);
    expect([centreColour(image), cornerColour(image)]).toEqual(['red', 'blue']);
    expect(readPngText(png).parameters).toContain('Seed: 7, Size: 64x64, Model: shapes-tiny');
    expect(Buffer.from(body.images[1], 'base64').equals(png)).toBe(false);
    firstImage = body.images[0];
    for (const runId of info.run_ids) expect(server.context.runs.get(runId).projectId).toBe('default');
  }, 120_000);

  it('img2img repaints the background the prompt asks for and keeps the shape', async () => {
    const response = await post('/sdapi/v1/img2img', {
      init_images: [`data:image/png;base64,${firstImage}`],
      prompt: 'a red circle on a yellow background',
      negative_prompt: '',
      seed: 7,
      sampler_name: 'Euler',
      steps: 20,
      cfg_scale: 7,
      width: 64,
      height: 64,
      denoising_strength: 0.7,
      resize_mode: 0,
      batch_size: 1,
      n_iter: 1,
      include_init_images: false,
      override_settings: { sd_model_checkpoint: 'shapes-tiny' },
    });
    expect(response.statusCode).toBe(200);
    const image = decodePng(Buffer.from(response.json().images[0], 'base64'));
    expect([centreColour(image), cornerColour(image)]).toEqual(['red', 'yellow']);
  }, 120_000);

  it('img2img gives width x height as A1111\'s resize_mode 0 (the init image stretched), 1 (cropped to cover) and 3 (the latent resized)', async () => {
    const sizes = [];
    for (const resize_mode of [0, 1, 3]) {
      const response = await post('/sdapi/v1/img2img', {
        init_images: [firstImage], prompt: 'a red circle on a blue background', seed: 7, steps: 4, width: 128, height: 96, denoising_strength: 0.5, resize_mode,
        override_settings: { sd_model_checkpoint: 'shapes-tiny' },
      });
      expect(response.statusCode, response.body).toBe(200);
      const image = decodePng(Buffer.from(response.json().images[0], 'base64'));
      sizes.push([image.width, image.height]);
    }
    expect(sizes).toEqual([[128, 96], [128, 96], [128, 96]]);
  }, 120_000);

  it('img2img with a mask repaints only the white part (inpainting_mask_invert the black part), keeping the rest of the init image', async () => {
    // White over the left half: A1111's mask colours.
    const data = new Uint8Array(64 * 64).map((_, i) => (i % 64 < 32 ? 255 : 0));
    const mask = Buffer.from(encodePng({ width: 64, height: 64, channels: 1, data })).toString('base64');
    const sides = async (invert: number) => {
      const response = await post('/sdapi/v1/img2img', {
        init_images: [firstImage], mask, mask_blur: 0, inpainting_fill: 1, inpaint_full_res: false, inpainting_mask_invert: invert, resize_mode: 0,
        prompt: 'a red circle on a yellow background', seed: 7, sampler_name: 'Euler', steps: 20, width: 64, height: 64, denoising_strength: 1,
        override_settings: { sd_model_checkpoint: 'shapes-tiny' },
      });
      expect(response.statusCode, response.body).toBe(200);
      const image = decodePng(Buffer.from(response.json().images[0], 'base64'));
      const colourAt = (x0: number) => {
        const sum = [0, 0, 0];
        for (const y0 of [0, 56]) for (let y = y0; y < y0 + 8; y++) for (let x = x0; x < x0 + 8; x++) for (let c = 0; c < 3; c++) sum[c] += image.data[(y * 64 + x) * 3 + c];
        return nearestColour([sum[0] / 128, sum[1] / 128, sum[2] / 128]);
      };
      return [colourAt(0), colourAt(56)];
    };
    expect(await sides(0)).toEqual(['yellow', 'blue']);
    expect(await sides(1)).toEqual(['blue', 'yellow']);
  }, 120_000);

  it('img2img with mask_blur 4 (A1111\'s default) blurs the mask and pastes the init image back outside it', async () => {
    const data = new Uint8Array(64 * 64).map((_, i) => (i % 64 < 32 ? 255 : 0));
    const mask = Buffer.from(encodePng({ width: 64, height: 64, channels: 1, data })).toString('base64');
    const response = await post('/sdapi/v1/img2img', {
      init_images: [firstImage], mask, mask_blur: 4, inpainting_fill: 1, inpaint_full_res: false, inpainting_mask_invert: 0, resize_mode: 0,
      prompt: 'a red circle on a yellow background', seed: 7, sampler_name: 'Euler', steps: 20, width: 64, height: 64, denoising_strength: 1,
      override_settings: { sd_model_checkpoint: 'shapes-tiny' },
    });
    expect(response.statusCode, response.body).toBe(200);
    const image = decodePng(Buffer.from(response.json().images[0], 'base64'));
    const init = decodePng(Buffer.from(firstImage, 'base64'));
    expect([image.width, image.height, init.width, init.height]).toEqual([64, 64, 64, 64]);
    // The blur reaches ceil(2.5 * 4) = 10 pixels past the mask's edge at x = 32: from x = 42 on, the init image's own pixels.
    let outsideDiffers = 0;
    let insideDiffers = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const p = (y * 64 + x) * 3;
        const differs = [0, 1, 2].some((c) => image.data[p + c] !== init.data[p * init.channels / 3 + c]);
        if (x >= 42 && differs) outsideDiffers++;
        if (x < 20 && differs) insideDiffers++;
      }
    }
    expect(outsideDiffers).toBe(0);
    expect(insideDiffers).toBeGreaterThan(20 * 64 * 0.5);
  }, 120_000);

  it('txt2img with enable_hr upscales the latent by hr_scale and denoises it again: an image of the upscaled size, the shape kept', async () => {
    const hires = (denoising_strength: number) =>
      post('/sdapi/v1/txt2img', { ...txt2imgRequest, batch_size: 1, steps: 10, enable_hr: true, hr_scale: 2, hr_upscaler: 'Latent', hr_second_pass_steps: 6, denoising_strength });
    const response = await hires(0.5);
    expect(response.statusCode).toBe(200);
    const png = Buffer.from(response.json().images[0], 'base64');
    const image = decodePng(png);
    expect([image.width, image.height]).toEqual([128, 128]);
    expect(centreColour(image)).toBe('red');
    expect(readPngText(png).parameters).toContain('Denoising strength: 0.5, Hires resize: 128x128, Hires steps: 6');
    // Strength 0 runs no second step: only the upscale, so the second pass is what changed the pixels.
    const upscaledOnly = Buffer.from((await hires(0)).json().images[0], 'base64');
    expect(decodePng(upscaledOnly).width).toBe(128);
    expect(upscaledOnly.equals(png)).toBe(false);
  }, 120_000);

  it('seed -1 draws a random seed and reports it', async () => {
    const body = (await post('/sdapi/v1/txt2img', { ...txt2imgRequest, seed: -1, batch_size: 1, steps: 2 })).json();
    const info = JSON.parse(body.info);
    expect(info.seed).toBeGreaterThanOrEqual(0);
    expect(info.all_seeds).toEqual([info.seed]);
  }, 60_000);

  it('refuses what latentflow cannot do with coded 4xx: mask options it does not honour, a bad mask, resize_mode 2, a hires fix with an image upscaler, an unknown sampler or model, a bad init image', async () => {
    const png = solidPng(64, 64).toString('base64');
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['/sdapi/v1/img2img', { init_images: [png], mask: png, mask_blur_x: 2, mask_blur_y: 4 }, 422, 'a1111_inpainting_unavailable'],
      ['/sdapi/v1/img2img', { init_images: [png], mask: png, inpainting_fill: 0 }, 422, 'a1111_inpainting_unavailable'],
      ['/sdapi/v1/img2img', { init_images: [png], mask: png, inpaint_full_res: true }, 422, 'a1111_inpainting_unavailable'],
      ['/sdapi/v1/img2img', { init_images: [png], mask: png, resize_mode: 1 }, 422, 'a1111_inpainting_unavailable'],
      ['/sdapi/v1/img2img', { init_images: [png], mask: 'bm90IGFuIGltYWdl' }, 400, 'a1111_bad_mask'],
      ['/sdapi/v1/img2img', { init_images: [png], resize_mode: 2 }, 422, 'a1111_resize_mode_unavailable'],
      ['/sdapi/v1/txt2img', { enable_hr: true, hr_upscaler: 'R-ESRGAN 4x+' }, 422, 'a1111_hires_fix_unavailable'],
      ['/sdapi/v1/txt2img', { sampler_name: 'DPM adaptive' }, 400, 'a1111_unknown_sampler'],
      ['/sdapi/v1/txt2img', { override_settings: { sd_model_checkpoint: 'nope.safetensors [abcdef0123]' } }, 400, 'a1111_unknown_model'],
      ['/sdapi/v1/img2img', { init_images: ['bm90IGFuIGltYWdl'] }, 400, 'a1111_bad_init_image'],
      ['/sdapi/v1/img2img', {}, 400, 'a1111_bad_init_image'],
      ['/sdapi/v1/txt2img', { steps: 'many' }, 400, 'invalid_request'],
    ];
    for (const [url, payload, status, code] of cases) {
      const response = await post(url, payload);
      expect([url, response.statusCode, response.json().code]).toEqual([url, status, code]);
    }
  });

  it('lists models, samplers, schedulers, loras and embeddings, and keeps options', async () => {
    const get = async (url: string) => (await server.app.inject({ url })).json();
    expect((await get('/sdapi/v1/sd-models')).map((model: { title: string }) => model.title)).toContain('shapes-tiny');
    expect((await get('/sdapi/v1/samplers')).map((sampler: { name: string }) => sampler.name)).toEqual(expect.arrayContaining(['Euler', 'Euler a', 'DPM++ 2M']));
    expect((await get('/sdapi/v1/schedulers')).map((scheduler: { label: string }) => scheduler.label)).toEqual(expect.arrayContaining(['Automatic', 'Karras']));
    expect(await get('/sdapi/v1/loras')).toEqual([]);
    expect(await get('/sdapi/v1/embeddings')).toEqual({ loaded: {}, skipped: {} });
    expect((await post('/sdapi/v1/options', { sd_model_checkpoint: 'shapes-tiny', CLIP_stop_at_last_layers: 2, some_other_option: true })).statusCode).toBe(200);
    expect(await get('/sdapi/v1/options')).toMatchObject({ sd_model_checkpoint: 'shapes-tiny', CLIP_stop_at_last_layers: 2 });
    expect((await post('/sdapi/v1/options', { CLIP_stop_at_last_layers: 5 })).json().code).toBe('a1111_unsupported_clip_skip');
    expect(await get('/sdapi/v1/progress')).toMatchObject({ progress: 0, state: { job_count: 0 } });
    expect((await post('/sdapi/v1/interrupt', {})).statusCode).toBe(200);
  });
});
