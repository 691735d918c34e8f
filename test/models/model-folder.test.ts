import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listModels, resolveModel } from '../../models/model-folder.ts';
import { ensureTinyModels } from '../../models/tiny.ts';
import { convertCheckpoint, DEFAULT_UNET_WEIGHTS } from '../../models/convert/index.ts';
import { GraphBuilder, writeOnnxModel } from '../../models/onnx/index.ts';
import { TINY_SD15_CONFIG } from '../../models/sd15/index.ts';
import { withoutTensor, writeTinyCheckpoint } from '../fixtures/tiny-checkpoint.ts';
import { rejectionOf } from '../fixtures/rejection.ts';

const root = mkdtempSync(join(tmpdir(), 'latentflow-folders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let tinyDir: string;
beforeAll(async () => {
  tinyDir = await ensureTinyModels(join(root, 'shared'));
});

/** A data folder of its own for each test, with the tiny models copied in (no regeneration). */
function dataDir(name: string, withTiny = true): string {
  const data = join(root, name);
  mkdirSync(join(data, 'models'), { recursive: true });
  if (withTiny) cpSync(tinyDir, join(data, 'models', 'tiny'), { recursive: true });
  return data;
}

/** A diffusers/Optimum-style export: int64 timestep, no VAE encoder, no tokenizer folder. */
function writeForeignExport(dir: string): void {
  const g = new GraphBuilder();
  const sample = g.input('sample', 'float32', ['batch', 4, 'h', 'w']);
  g.input('timestep', 'int64', ['batch']);
  g.input('encoder_hidden_states', 'float32', ['batch', 77, 768]);
  g.output(g.op('Identity', [sample]), 'out_sample', 'float32', ['batch', 4, 'h', 'w']);
  mkdirSync(join(dir, 'unet'), { recursive: true });
  writeOnnxModel(g.build('unet'), join(dir, 'unet', 'model.onnx'));
  for (const network of ['text_encoder', 'vae_decoder']) cpSync(join(tinyDir, network), join(dir, network), { recursive: true });
}

describe('resolveModel', () => {
  it('finds the tiny models, with their files, sizes and tokenizer', async () => {
    const data = dataDir('plain');
    const files = await resolveModel(data, 'tiny');
    const dir = join(data, 'models', 'tiny');
    expect(files).toEqual({
      name: 'tiny',
      dir,
      textEncoder: join(dir, 'text_encoder/model.onnx'),
      unet: join(dir, 'unet/model.onnx'),
      vaeEncoder: join(dir, 'vae_encoder/model.onnx'),
      vaeDecoder: join(dir, 'vae_decoder/model.onnx'),
      tokenizerDir: join(dir, 'tokenizer'),
      config: TINY_SD15_CONFIG,
    });
  });

  it('generates the tiny models when they are missing', async () => {
    const data = dataDir('empty', false);
    const files = await resolveModel(data, 'tiny');
    expect(readFileSync(files.unet).equals(readFileSync(join(tinyDir, 'unet/model.onnx')))).toBe(true);
  });

  it('converts a checkpoint in data/ on first use, with progress, then reuses the folder', async () => {
    const data = dataDir('checkpoint');
    writeTinyCheckpoint(join(data, 'my-model.safetensors'), { seed: 11 });
    const progress: [number, number][] = [];
    const files = await resolveModel(data, 'my-model', { onProgress: (done, total) => progress.push([done, total]) });
    expect(files.dir).toBe(join(data, 'models', 'my-model'));
    expect(files.config).toEqual(TINY_SD15_CONFIG);
    expect(progress.length).toBeGreaterThan(0);
    const [done, total] = progress[progress.length - 1];
    expect(done).toBe(total);

    progress.length = 0;
    await resolveModel(data, 'my-model', { onProgress: (d, t) => progress.push([d, t]) });
    expect(progress).toEqual([]);
    // Up to date is decided without starting a conversion, which an aborted signal would refuse.
    await expect(resolveModel(data, 'my-model', { signal: AbortSignal.abort() })).resolves.toMatchObject({ name: 'my-model' });
    expect(listModels(data).map((m) => [m.name, m.kind])).toEqual([
      ['my-model', 'folder'],
      ['tiny', 'folder'],
    ]);
  });

  it('converts a checkpoint on first use with the default UNet weights', async () => {
    const data = dataDir('default-weights');
    writeTinyCheckpoint(join(data, 'plain.ckpt'), { seed: 14 });
    const files = await resolveModel(data, 'plain');
    expect(JSON.parse(readFileSync(join(files.dir, 'model_index.json'), 'utf8'))).toMatchObject({ weights: 'float32', unetWeights: DEFAULT_UNET_WEIGHTS });
  });

  it('converts with float UNet weights for a GPU backend, whose providers lack the int8 operators', async () => {
    const data = dataDir('gpu-weights');
    writeTinyCheckpoint(join(data, 'for-gpu.ckpt'), { seed: 16 });
    const files = await resolveModel(data, 'for-gpu', { backend: 'cuda' });
    expect(DEFAULT_UNET_WEIGHTS).not.toBe('float');
    expect(JSON.parse(readFileSync(join(files.dir, 'model_index.json'), 'utf8'))).toMatchObject({ unetWeights: 'float' });
  });

  it('keeps the weight types a folder was converted with, also when its checkpoint changes', async () => {
    const data = dataDir('chosen-weights');
    const checkpoint = join(data, 'chosen.safetensors');
    const folder = join(data, 'models', 'chosen');
    const index = () => JSON.parse(readFileSync(join(folder, 'model_index.json'), 'utf8'));
    writeTinyCheckpoint(checkpoint, { seed: 15 });
    await convertCheckpoint(checkpoint, folder, { unetWeights: 'int8-matmul', fp16: true });
    let progressCalls = 0;
    await resolveModel(data, 'chosen', { onProgress: () => progressCalls++ });
    expect(progressCalls).toBe(0);

    writeTinyCheckpoint(checkpoint, { seed: 16 });
    const sourceBefore = index().source;
    await resolveModel(data, 'chosen', { onProgress: () => progressCalls++ });
    expect(progressCalls).toBeGreaterThan(0);
    expect(index().source).not.toEqual(sourceBefore);
    expect(index()).toMatchObject({ weights: 'float16', unetWeights: 'int8-matmul' });
  });

  it('converts on a worker thread: the caller keeps running while it converts', async () => {
    const data = dataDir('responsive');
    writeTinyCheckpoint(join(data, 'busy.ckpt'), { seed: 12 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 2);
    let progressCalls = 0;
    try {
      await resolveModel(data, 'busy', { onProgress: () => progressCalls++ });
    } finally {
      clearInterval(timer);
    }
    // In-thread, the synchronous conversion would have blocked every tick until it finished.
    expect(ticks).toBeGreaterThan(20);
    expect(progressCalls).toBeGreaterThan(10);
  });

  it('an aborted conversion stops and leaves neither the folder nor a staging folder', async () => {
    const data = dataDir('aborted');
    writeTinyCheckpoint(join(data, 'stopped.ckpt'), { seed: 13 });
    const controller = new AbortController();
    const error = await rejectionOf(
      resolveModel(data, 'stopped', { signal: controller.signal, onProgress: () => controller.abort() }),
    );
    expect((error as Error).name).toBe('AbortError');
    expect(readdirSync(join(data, 'models'))).toEqual(['tiny']);
  });

  it('a broken checkpoint in data/ fails with the converter\'s code, as thrown in the worker', async () => {
    const data = dataDir('broken-checkpoint');
    writeTinyCheckpoint(join(data, 'bad.ckpt'), { edit: withoutTensor('model.diffusion_model.out.2.bias') });
    const error = await rejectionOf(resolveModel(data, 'bad'));
    expect(error).toMatchObject({ code: 'checkpoint_missing_tensors', path: join(data, 'bad.ckpt') });
    expect(error.message).toContain('model.diffusion_model.out.2.bias');
    expect(readdirSync(join(data, 'models'))).toEqual(['tiny']);
  });

  it('uses a foreign ONNX export as it is: optional encoder, shared vocabulary', async () => {
    const data = dataDir('foreign');
    writeForeignExport(join(data, 'models', 'optimum'));
    cpSync('data/vocab.json', join(data, 'vocab.json'));
    cpSync('data/merges.txt', join(data, 'merges.txt'));
    writeTinyCheckpoint(join(data, 'optimum.ckpt'));
    const unetBefore = readFileSync(join(data, 'models', 'optimum', 'unet', 'model.onnx'));
    const files = await resolveModel(data, 'optimum');
    expect(files.vaeEncoder).toBeUndefined();
    expect(files.config).toBeUndefined();
    expect(files.tokenizerDir).toBe(data);
    // The checkpoint of the same name does not overwrite a folder the converter did not write.
    expect(readFileSync(files.unet).equals(unetBefore)).toBe(true);
    expect(existsSync(join(files.dir, 'model_index.json'))).toBe(false);
  });

  it('auto picks a real model first, then shapes-tiny, then tiny', async () => {
    const data = dataDir('auto');
    expect((await resolveModel(data, 'auto')).name).toBe('tiny');
    cpSync(tinyDir, join(data, 'models', 'shapes-tiny'), { recursive: true });
    expect((await resolveModel(data, 'auto')).name).toBe('shapes-tiny');
    writeTinyCheckpoint(join(data, 'real.ckpt'));
    const real = await resolveModel(data, 'auto');
    expect(real.name).toBe('real');
    expect(real.dir).toBe(join(data, 'models', 'real'));
  });

  it.each(['../tiny', '/etc', 'models/tiny', '..', '.hidden', '', 'a\\b'])('refuses the name %j', async (name) => {
    await expect(resolveModel(dataDir('names', false), name)).rejects.toMatchObject({ code: 'model_name_invalid' });
  });

  it('an unknown name is an error that lists what is available', async () => {
    const data = dataDir('unknown');
    writeTinyCheckpoint(join(data, 'other.ckpt'));
    const error = await rejectionOf(resolveModel(data, 'missing-model'));
    expect(error).toMatchObject({ code: 'model_not_found' });
    expect(error.message).toMatch(/"missing-model".*auto, other, tiny/);
  });

  it('a folder without its networks is reported with what it lacks', async () => {
    const data = dataDir('incomplete');
    mkdirSync(join(data, 'models', 'broken', 'unet'), { recursive: true });
    writeFileSync(join(data, 'models', 'broken', 'unet', 'model.onnx'), '');
    const error = await rejectionOf(resolveModel(data, 'broken'));
    expect(error).toMatchObject({ code: 'model_incomplete' });
    expect(error.message).toContain('text_encoder/model.onnx');
    expect(error.message).toContain('vae_decoder/model.onnx');
  });
});
