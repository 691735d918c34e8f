import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatentflowServer } from '../../../server/index.ts';
import { decodePng, encodePng } from '../../../nodes/lib/png.ts';
import { solidPng, startTestServer, tempDir } from '../helpers.ts';

const REPO_DATA = path.resolve(import.meta.dirname, '../../../data');
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../compat/comfyui/fixtures', name), 'utf8'));

function multipart(fields: Record<string, string | { filename: string; bytes: Buffer }>) {
  const boundary = '----latentflowtest';
  const parts = Object.entries(fields).map(([name, value]) =>
    typeof value === 'string'
      ? Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      : Buffer.concat([
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.filename}"\r\nContent-Type: image/png\r\n\r\n`),
          value.bytes,
          Buffer.from('\r\n'),
        ]),
  );
  return { payload: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The built-in nodes (validation only: this server opens no ONNX sessions) and the repository's models. */
describe('the ComfyUI API routes', () => {
  let server: LatentflowServer;
  let dataDir: string;
  const post = (url: string, body: unknown) => server.app.inject({ method: 'POST', url, payload: body as Record<string, unknown> });

  beforeAll(async () => {
    dataDir = tempDir('comfy-routes');
    fs.symlinkSync(path.join(REPO_DATA, 'models'), path.join(dataDir, 'models'));
    server = await startTestServer({ dataDir, builtinNodes: true });
  });
  afterAll(() => server.close());

  it('POST /prompt queues on the one run queue, under / and /api, answering {prompt_id, number, node_errors}', async () => {
    const response = await post('/prompt', { prompt: fixture('txt2img-api.json'), client_id: 'abc' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toEqual({ prompt_id: expect.any(String), number: expect.any(Number), node_errors: {} });
    const run = server.context.runs.get(body.prompt_id);
    expect(run.projectId).toBe('default');
    expect((run.workflow as { meta: { comfyui: { clientId: string } } }).meta.comfyui.clientId).toBe('abc');
    const again = (await post('/api/prompt', { prompt: fixture('txt2img-api.json') })).json();
    expect(again.number).toBe(body.number + 1);
  });

  it('GET /queue and /prompt report the queue; POST /queue {delete} cancels a pending prompt', async () => {
    const { prompt_id } = (await post('/prompt', { prompt: fixture('txt2img-api.json') })).json();
    const queue = (await server.app.inject({ url: '/queue' })).json();
    const ids = [...queue.queue_running, ...queue.queue_pending].map((item: unknown[]) => item[1]);
    expect(ids).toContain(prompt_id);
    expect((await server.app.inject({ url: '/prompt' })).json().exec_info.queue_remaining).toBeGreaterThan(0);
    await post('/queue', { clear: true });
    await post('/interrupt', {});
  });

  it('refuses an unmapped class, a link to a missing node and a slot out of range with 400s naming the node', async () => {
    const prompt = fixture('txt2img-api.json');
    prompt['8'].inputs.vae = ['77', 0];
    prompt['6'].inputs.clip = ['4', 9];
    prompt['12'] = { class_type: 'PerturbedAttentionGuidance', inputs: {} };
    prompt['3'].inputs.model = ['12', 0];
    const response = await post('/prompt', { prompt });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.type).toBe('prompt_outputs_failed_validation');
    expect(body.node_errors['8'].errors[0]).toMatchObject({ type: 'comfy_link_to_missing_node', extra_info: { input_name: 'vae' } });
    expect(body.node_errors['6'].errors[0].type).toBe('comfy_slot_out_of_range');
    expect(body.node_errors['12']).toMatchObject({ class_type: 'PerturbedAttentionGuidance', errors: [{ type: 'comfy_unmapped_class' }] });
  });

  it('maps latentflow validation problems back to the ComfyUI node (cfg below UNetStep\'s minimum)', async () => {
    const prompt = fixture('txt2img-api.json');
    prompt['3'].inputs.cfg = 0.5;
    const body = (await post('/prompt', { prompt })).json();
    expect(body.node_errors['3']).toMatchObject({ class_type: 'KSampler', errors: [{ type: 'out_of_range', extra_info: { input_name: 'cfg' } }] });
  });

  it('the conditioning classes queue, and their bad input is a 400 naming the node and input', async () => {
    const prompt = fixture('txt2img-api.json');
    prompt['10'] = { class_type: 'ConditioningSetArea', inputs: { conditioning: ['6', 0], width: 64, height: 64, x: 0, y: 0, strength: 1 } };
    prompt['11'] = { class_type: 'ConditioningCombine', inputs: { conditioning_1: ['10', 0], conditioning_2: ['6', 0] } };
    prompt['12'] = { class_type: 'ConditioningZeroOut', inputs: { conditioning: ['7', 0] } };
    Object.assign(prompt['3'].inputs, { positive: ['11', 0], negative: ['12', 0] });
    expect((await post('/prompt', { prompt })).statusCode).toBe(200);
    prompt['10'].inputs.strength = 50;
    delete prompt['11'].inputs.conditioning_2;
    const response = await post('/prompt', { prompt });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.node_errors['11'].errors[0]).toMatchObject({ type: 'comfy_missing_input', extra_info: { input_name: 'conditioning_2' } });
    prompt['11'].inputs.conditioning_2 = ['6', 0];
    const strength = (await post('/prompt', { prompt })).json();
    expect(strength.node_errors['10']).toMatchObject({ class_type: 'ConditioningSetArea', errors: [{ type: 'out_of_range', extra_info: { input_name: 'strength' } }] });
    await post('/queue', { clear: true });
  });

  it('bad bodies get ComfyUI-shaped 4xx, never a 5xx: no prompt, not JSON, deep nesting, a huge body', async () => {
    expect((await post('/prompt', { client_id: 'x' })).json().error.type).toBe('invalid_prompt');
    const notJson = await server.app.inject({ method: 'POST', url: '/prompt', payload: '{"prompt": ', headers: { 'content-type': 'application/json' } });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.type).toBe('invalid_prompt');
    const deep = `{"prompt": {"1": {"class_type": "SaveImage", "inputs": {"images": ${'['.repeat(200_000)}${']'.repeat(200_000)}}}}}`;
    const nested = await server.app.inject({ method: 'POST', url: '/prompt', payload: deep, headers: { 'content-type': 'application/json' } });
    expect(nested.statusCode).toBe(400);
    expect(nested.json().error.details).toBe('comfy_too_deep');
    const huge = await server.app.inject({ method: 'POST', url: '/prompt', payload: { prompt: { 1: { class_type: 'x', inputs: { text: 'x'.repeat(3 * 1024 * 1024) } } } } });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.type).toBe('payload_too_large');
    expect((await post('/prompt', { prompt: [] })).statusCode).toBe(400);
  });

  it('POST /upload/image stores a PNG in the input folder that LoadImage then reads; a malformed upload is a 400', async () => {
    const upload = multipart({ image: { filename: 'my cat.png', bytes: solidPng(8, 8) }, overwrite: 'true' });
    const response = await server.app.inject({ method: 'POST', url: '/upload/image', ...upload });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ name: 'my_cat.png', subfolder: '', type: 'input' });
    const view = await server.app.inject({ url: '/view?filename=my_cat.png&type=input&subfolder=' });
    expect(view.headers['content-type']).toBe('image/png');
    expect(view.rawPayload.equals(solidPng(8, 8))).toBe(true);
    const prompt = fixture('img2img-api.json');
    prompt['5'].inputs.image = 'my_cat.png';
    expect((await post('/prompt', { prompt })).statusCode).toBe(200);

    const notAnImage = await server.app.inject({ method: 'POST', url: '/upload/mask', ...multipart({ image: { filename: 'x.png', bytes: Buffer.from('nope') } }) });
    expect(notAnImage.statusCode).toBe(400);
    expect(notAnImage.json().error.type).toBe('comfy_malformed_upload');
    const broken = await server.app.inject({ method: 'POST', url: '/upload/image', payload: Buffer.from('--x\r\ngarbage'), headers: { 'content-type': 'multipart/form-data; boundary=x' } });
    expect(broken.statusCode).toBe(400);
    const noField = await server.app.inject({ method: 'POST', url: '/upload/image', ...multipart({ other: 'value' }) });
    expect(noField.json().error.type).toBe('comfy_malformed_upload');
  });

  it('POST /upload/image honours subfolder inside the input folder (never outside), and LoadImage reads "subfolder/name"', async () => {
    const upload = (subfolder: string) => server.app.inject({ method: 'POST', url: '/upload/image', ...multipart({ image: { filename: 'dog.png', bytes: solidPng(8, 8) }, subfolder, overwrite: 'true' }) });
    const response = await upload('pets/dogs');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ name: 'dog.png', subfolder: 'pets/dogs', type: 'input' });
    expect(fs.existsSync(path.join(server.context.folders.inputs('default'), 'pets', 'dogs', 'dog.png'))).toBe(true);
    expect((await server.app.inject({ url: '/view?filename=dog.png&type=input&subfolder=pets/dogs' })).rawPayload.equals(solidPng(8, 8))).toBe(true);
    const prompt = fixture('img2img-api.json');
    prompt['5'].inputs.image = 'pets/dogs/dog.png';
    expect((await post('/prompt', { prompt })).statusCode).toBe(200);
    for (const bad of ['../escape', 'a/../../b', '/etc', '.hidden']) {
      const refused = await upload(bad);
      expect([bad, refused.statusCode]).toEqual([bad, 400]);
    }
    expect(fs.existsSync(path.join(server.context.folders.inputs('default'), '..', 'escape'))).toBe(false);
    // A link planted inside that leads out: refused, and no folder is made through it.
    const outside = tempDir('comfy-upload-outside-');
    fs.symlinkSync(outside, path.join(server.context.folders.inputs('default'), 'planted'));
    expect((await upload('planted/deeper')).statusCode).toBe(400);
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it('POST /upload/mask puts the mask\'s alpha into the original image (original_ref), as ComfyUI does; a bad original_ref or size is a 400', async () => {
    await server.app.inject({ method: 'POST', url: '/upload/image', ...multipart({ image: { filename: 'photo.png', bytes: solidPng(4, 2, [10, 20, 30]) }, subfolder: 'clip', overwrite: 'true' }) });
    const mask = Buffer.from(encodePng({ width: 4, height: 2, channels: 4, data: Uint8Array.from({ length: 32 }, (_, i) => (i % 4 === 3 ? (i < 16 ? 0 : 255) : 99)) }));
    const ref = JSON.stringify({ filename: 'photo.png', subfolder: 'clip', type: 'input' });
    const response = await server.app.inject({ method: 'POST', url: '/upload/mask', ...multipart({ image: { filename: 'clipspace-mask.png', bytes: mask }, original_ref: ref, subfolder: 'clip', overwrite: 'true' }) });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ name: 'clipspace-mask.png', subfolder: 'clip', type: 'input' });
    const merged = decodePng((await server.app.inject({ url: '/view?filename=clipspace-mask.png&type=input&subfolder=clip' })).rawPayload);
    expect([merged.width, merged.height, merged.channels]).toEqual([4, 2, 4]);
    expect(Array.from(merged.data.subarray(0, 4))).toEqual([10, 20, 30, 0]);
    expect(Array.from(merged.data.subarray(28, 32))).toEqual([10, 20, 30, 255]);

    const maskUpload = (fields: Record<string, string>, bytes: Buffer) => server.app.inject({ method: 'POST', url: '/upload/mask', ...multipart({ image: { filename: 'm.png', bytes }, ...fields }) });
    for (const [fields, bytes, type] of [
      [{}, mask, 'comfy_malformed_upload'],
      [{ original_ref: 'not json' }, mask, 'comfy_malformed_upload'],
      [{ original_ref: JSON.stringify({ filename: 'missing.png' }) }, mask, 'comfy_file_not_found'],
      [{ original_ref: ref }, solidPng(3, 3), 'comfy_malformed_upload'],
    ] as const) {
      const refused = await maskUpload(fields, bytes);
      expect(refused.statusCode).toBeGreaterThanOrEqual(400);
      expect(refused.statusCode).toBeLessThan(500);
      expect(refused.json().error.type).toBe(type);
    }
  });

  it('GET /view never leaves its folders', async () => {
    for (const url of ['/view?filename=../latentflow.sqlite', '/view?filename=x.png&subfolder=..', '/view?filename=x.png&type=secret']) {
      const response = await server.app.inject({ url });
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
    }
    expect((await server.app.inject({ url: '/view?filename=missing.png' })).statusCode).toBe(404);
  });

  it('GET /object_info lists the mapped classes with their combo lists, in ComfyUI\'s shape', async () => {
    const info = (await server.app.inject({ url: '/object_info' })).json();
    expect(Object.keys(info)).toEqual(expect.arrayContaining(['CheckpointLoaderSimple', 'KSampler', 'KSamplerAdvanced', 'SaveImage', 'LoadImage']));
    expect(info.CheckpointLoaderSimple.input.required.ckpt_name[0]).toEqual(expect.arrayContaining(['shapes-tiny', 'tiny']));
    expect(info.KSampler.input.required.seed).toEqual(['INT', expect.objectContaining({ control_after_generate: true })]);
    expect(info.KSampler.output).toEqual(['LATENT']);
    expect(info.LoadImage.input.required.image[1]).toEqual({ image_upload: true });
    // Listed only where their latentflow nodes are registered (LoRA and the editing nodes are built in).
    expect(info.LoraLoader.input.required.strength_model[1]).toMatchObject({ min: -100, max: 100 });
    expect(Object.keys(info)).toEqual(expect.arrayContaining(['SetLatentNoiseMask', 'ImageScale', 'LoadImageMask', 'FreeU', 'FreeU_V2', 'ControlNetLoader', 'ControlNetApply']));
    expect(info.ControlNetLoader.input.required.control_net_name[0]).toEqual([]);
    expect(info.ControlNetApplyAdvanced.input_order).toEqual({
      required: ['positive', 'negative', 'control_net', 'image', 'strength', 'start_percent', 'end_percent'], optional: ['vae'],
    });
    expect(info.ControlNetApplyAdvanced.output).toEqual(['CONDITIONING', 'CONDITIONING']);
    const one = (await server.app.inject({ url: '/api/object_info/KSamplerAdvanced' })).json();
    expect(Object.keys(one)).toEqual(['KSamplerAdvanced']);
    expect(one.KSamplerAdvanced.input_order.required).toContain('return_with_leftover_noise');
  });

  it('answers /system_stats, /embeddings, /models and /models/<folder> for checkpoints, vae, upscale_models and controlnet; an unknown folder is a 404', async () => {
    expect((await server.app.inject({ url: '/system_stats' })).json().devices[0].type).toBe('cpu');
    expect((await server.app.inject({ url: '/embeddings' })).json()).toEqual([]);
    expect((await server.app.inject({ url: '/api/models' })).json()).toEqual(['checkpoints', 'vae', 'upscale_models', 'controlnet']);
    expect((await server.app.inject({ url: '/models/checkpoints' })).json()).toContain('shapes-tiny');
    expect((await server.app.inject({ url: '/models/vae' })).json()).toEqual([]);
    fs.mkdirSync(path.join(dataDir, 'vae'));
    fs.writeFileSync(path.join(dataDir, 'vae', 'my-vae.safetensors'), '');
    expect((await server.app.inject({ url: '/models/vae' })).json()).toEqual(['my-vae.safetensors']);
    expect((await server.app.inject({ url: '/models/upscale_models' })).json()).toEqual([]);
    fs.mkdirSync(path.join(dataDir, 'controlnet'));
    fs.writeFileSync(path.join(dataDir, 'controlnet', 'control_v11p_sd15_canny.pth'), '');
    expect((await server.app.inject({ url: '/models/controlnet' })).json()).toEqual(['control_v11p_sd15_canny.pth']);
    expect((await server.app.inject({ url: '/models/loras' })).statusCode).toBe(404);
  });

  it('keeps latentflow\'s own /api routes where they were', async () => {
    expect((await server.app.inject({ url: '/api/health' })).statusCode).toBe(200);
    expect((await post('/api/interrupt', {})).json()).toHaveProperty('runId');
  });

  it('applies the same security rules: a state change from another origin is refused', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/prompt', payload: { prompt: fixture('txt2img-api.json') }, headers: { origin: 'http://evil.example' } });
    expect(response.statusCode).toBe(403);
  });

  it('lists the ComfyUI runs that ended in /history', async () => {
    const history = (await server.app.inject({ url: '/history?max_items=50' })).json();
    for (const item of Object.values(history) as { prompt: unknown[]; status: { status_str: string } }[]) {
      expect(item.prompt).toHaveLength(5);
      expect(['success', 'error']).toContain(item.status.status_str);
    }
    expect((await server.app.inject({ url: '/history/not-a-run' })).json()).toEqual({});
  });
});
