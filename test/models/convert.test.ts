import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint, DEFAULT_UNET_WEIGHTS, upToDateConversion, type ConvertProgress, type UnetWeights, type WriteProgress } from '../../models/convert/index.ts';
import { TINY_SD15_CONFIG } from '../../models/sd15/index.ts';
import { ZipWriter } from '../../models/checkpoint/zip-writer.ts';
import { withoutTensor, withShape, writeTinyCheckpoint } from '../fixtures/tiny-checkpoint.ts';
import { rejectionOf } from '../fixtures/rejection.ts';

const dir = mkdtempSync(join(tmpdir(), 'latentflow-convert-'));
const ckpt = join(dir, 'tiny.ckpt');
const safetensors = join(dir, 'tiny.safetensors');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  writeTinyCheckpoint(ckpt);
  writeTinyCheckpoint(safetensors);
});

const NETWORKS = ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder'];

async function encodeText(modelDir: string): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(join(modelDir, 'text_encoder/model.onnx'));
  const ids = new Int32Array(77).fill(49407);
  ids.set([49406, 320, 2368]);
  const { last_hidden_state: hidden } = await session.run({ input_ids: new ort.Tensor('int32', ids, [1, 77]) });
  await session.release();
  return hidden;
}

const allFinite = (tensor: ort.Tensor) => (tensor.data as Float32Array).every(Number.isFinite);
const filesUnder = (root: string): string[] =>
  readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

describe('convertCheckpoint', () => {
  const out = join(dir, 'models', 'from-ckpt');
  const progress: ConvertProgress[] = [];

  it('turns a tiny .ckpt into the diffusers ONNX layout, with sizes read from the tensors', async () => {
    const result = await convertCheckpoint(ckpt, out, { onProgress: (p) => progress.push(p) });
    expect(result.status).toBe('converted');
    expect(result.config).toEqual(TINY_SD15_CONFIG);
    for (const network of NETWORKS) expect(existsSync(join(out, network, 'model.onnx')), network).toBe(true);
    expect(existsSync(join(out, 'unet/model.onnx.data'))).toBe(true);
    for (const file of ['vocab.json', 'merges.txt']) {
      expect(readFileSync(join(out, 'tokenizer', file)).equals(readFileSync(join('data', file))), file).toBe(true);
    }
    const index = JSON.parse(readFileSync(join(out, 'model_index.json'), 'utf8'));
    expect(index).toMatchObject({ format: 'latentflow-sd15-onnx', weights: 'float32', unetWeights: DEFAULT_UNET_WEIGHTS });
    expect(index.source).toMatchObject({ file: 'tiny.ckpt', size: statSync(ckpt).size });
    expect(readdirSync(join(dir, 'models'))).toEqual(['from-ckpt']);
  });

  it('reports progress that only grows and ends at every tensor and byte written', () => {
    const firstWrite = progress.findIndex((p) => p.phase === 'writing');
    expect(progress.slice(firstWrite).every((p) => p.phase === 'writing'), 'calibration comes before writing').toBe(true);
    const writing = progress.slice(firstWrite) as WriteProgress[];
    expect(writing.length).toBeGreaterThan(10);
    for (let i = 1; i < writing.length; i++) {
      expect(writing[i].bytesDone).toBeGreaterThanOrEqual(writing[i - 1].bytesDone);
      expect(writing[i].tensorsDone).toBeGreaterThanOrEqual(writing[i - 1].tensorsDone);
    }
    const last = writing[writing.length - 1];
    expect(last).toMatchObject({ network: 'vae_decoder', tensorsDone: last.tensorsTotal, bytesDone: last.bytesTotal });
    expect(new Set(writing.map((p) => p.network))).toEqual(new Set(NETWORKS));
  });

  it('produces networks onnxruntime runs with the agreed inputs and outputs, giving finite values', async () => {
    const hidden = await encodeText(out);
    expect(hidden.dims).toEqual([1, 77, 64]);
    expect(allFinite(hidden)).toBe(true);

    const unet = await ort.InferenceSession.create(join(out, 'unet/model.onnx'));
    expect(unet.inputNames).toEqual(['sample', 'timestep', 'encoder_hidden_states']);
    const sample = new ort.Tensor('float32', Float32Array.from({ length: 2 * 4 * 8 * 8 }, (_, i) => Math.sin(i)), [2, 4, 8, 8]);
    const { out_sample: eps } = await unet.run({
      sample,
      timestep: new ort.Tensor('float32', new Float32Array([999, 10]), [2]),
      encoder_hidden_states: new ort.Tensor('float32', new Float32Array(2 * 77 * 64).fill(0.5), [2, 77, 64]),
    });
    expect(eps.dims).toEqual([2, 4, 8, 8]);
    expect(allFinite(eps)).toBe(true);
    await unet.release();

    const decoder = await ort.InferenceSession.create(join(out, 'vae_decoder/model.onnx'));
    const { sample: image } = await decoder.run({ latent_sample: new ort.Tensor('float32', new Float32Array(4 * 8 * 8).fill(0.3), [1, 4, 8, 8]) });
    expect(image.dims).toEqual([1, 3, 64, 64]);
    expect(allFinite(image)).toBe(true);
    await decoder.release();

    const encoder = await ort.InferenceSession.create(join(out, 'vae_encoder/model.onnx'));
    expect(encoder.outputNames).toEqual(['latent_sample', 'latent_logvar']);
    const latent = await encoder.run({ sample: new ort.Tensor('float32', new Float32Array(3 * 64 * 64).fill(-0.2), [1, 3, 64, 64]) });
    expect(latent.latent_sample.dims).toEqual([1, 4, 8, 8]);
    await encoder.release();
  });

  it('does nothing when the same checkpoint is converted again', async () => {
    const before = new Map(filesUnder(out).map((file) => [file, statSync(file).mtimeMs]));
    const again = await convertCheckpoint(ckpt, out);
    expect(again.status).toBe('up_to_date');
    expect(new Map(filesUnder(out).map((file) => [file, statSync(file).mtimeMs]))).toEqual(before);
  });

  it('gives the same text encoder from the .safetensors of the same weights', async () => {
    const fromSafetensors = join(dir, 'models', 'from-safetensors');
    await convertCheckpoint(safetensors, fromSafetensors);
    expect(Array.from((await encodeText(fromSafetensors)).data as Float32Array)).toEqual(
      Array.from((await encodeText(out)).data as Float32Array),
    );
  });

  it('with fp16 stores half-size weights whose outputs stay close to fp32', async () => {
    const half = join(dir, 'models', 'half');
    await convertCheckpoint(ckpt, half, { fp16: true });
    const textEncoderBytes = (folder: string) => filesUnder(join(folder, 'text_encoder')).reduce((n, file) => n + statSync(file).size, 0);
    expect(textEncoderBytes(half)).toBeLessThan(0.6 * textEncoderBytes(out));
    const exact = (await encodeText(out)).data as Float32Array;
    const approx = (await encodeText(half)).data as Float32Array;
    const worst = exact.reduce((m, v, i) => Math.max(m, Math.abs(v - approx[i])), 0);
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(0.05);
  });

  it('a conversion killed half-way leaves only a hidden staging folder, which the next conversion removes', async () => {
    const target = join(dir, 'models', 'killed');
    const script = `import { convertCheckpoint } from ${JSON.stringify(new URL('../../models/convert/index.ts', import.meta.url).href)};
      await convertCheckpoint(${JSON.stringify(ckpt)}, ${JSON.stringify(target)}, {
        onProgress: (p) => { if (p.network === 'unet') process.kill(process.pid, 'SIGKILL'); },
      });`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    expect(child.signal).toBe('SIGKILL');
    expect(existsSync(target)).toBe(false);
    const leftovers = readdirSync(join(dir, 'models')).filter((name) => name.startsWith('.killed.converting-'));
    expect(leftovers).toHaveLength(1);

    expect((await convertCheckpoint(ckpt, target)).status).toBe('converted');
    expect(readdirSync(join(dir, 'models')).filter((name) => name.startsWith('.killed'))).toEqual([]);
  });

  it('removes a staging folder left by a killed conversion, and leaves none of its own', async () => {
    const target = join(dir, 'models', 'restaged');
    const stale = join(dir, 'models', '.restaged.converting-999999999-deadbeef');
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, 'partial'), 'x');
    await convertCheckpoint(safetensors, target);
    expect(existsSync(stale)).toBe(false);
    expect(readdirSync(join(dir, 'models')).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});

describe('convertCheckpoint with int8 UNet weights', () => {
  const models = join(dir, 'models-unet');
  const readIndex = (folder: string) => JSON.parse(readFileSync(join(folder, 'model_index.json'), 'utf8'));
  const unetDataBytes = (folder: string) => statSync(join(folder, 'unet/model.onnx.data')).size;

  async function predictNoise(modelDir: string): Promise<Float32Array> {
    const unet = await ort.InferenceSession.create(join(modelDir, 'unet/model.onnx'));
    const { out_sample: eps } = await unet.run({
      sample: new ort.Tensor('float32', Float32Array.from({ length: 2 * 4 * 8 * 8 }, (_, i) => Math.sin(i)), [2, 4, 8, 8]),
      timestep: new ort.Tensor('float32', new Float32Array([900, 20]), [2]),
      encoder_hidden_states: new ort.Tensor('float32', Float32Array.from({ length: 2 * 77 * 64 }, (_, i) => Math.cos(i / 7)), [2, 77, 64]),
    });
    await unet.release();
    return eps.data as Float32Array;
  }
  const maxRelativeError = (out: Float32Array, reference: Float32Array) =>
    out.reduce((m, v, i) => Math.max(m, Math.abs(v - reference[i])), 0) / reference.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

  let reference: Float32Array;
  beforeAll(async () => {
    await convertCheckpoint(ckpt, join(models, 'float'), { unetWeights: 'float' });
    reference = await predictNoise(join(models, 'float'));
  });

  // At tiny widths few products average out the rounding: about 3% (linear layers) and 6% (convolutions too).
  it.each([
    ['int8-matmul', false],
    ['int8-matmul', true],
    ['int8', false],
    ['int8', true],
  ] as [UnetWeights, boolean][])('%s (fp16 %s) gives a smaller UNet whose output stays within 10%% of float32, and says so in the index', async (unetWeights, fp16) => {
    const folder = join(models, `${unetWeights}${fp16 ? '-fp16' : ''}`);
    expect((await convertCheckpoint(ckpt, folder, { unetWeights, fp16 })).status).toBe('converted');
    expect(readIndex(folder)).toMatchObject({ weights: fp16 ? 'float16' : 'float32', unetWeights, source: { unetWeights } });
    expect(unetDataBytes(folder)).toBeLessThan(0.8 * unetDataBytes(join(models, 'float')));
    const error = maxRelativeError(await predictNoise(folder), reference);
    expect(error).toBeGreaterThan(0);
    expect(error).toBeLessThan(0.1);
  });

  it('int8 quantises the convolutions as well as the linear layers', () => {
    expect(unetDataBytes(join(models, 'int8'))).toBeLessThan(0.6 * unetDataBytes(join(models, 'int8-matmul')));
  });

  it('converts again when the UNet weights change, and only then', async () => {
    const folder = join(models, 'changing');
    expect((await convertCheckpoint(ckpt, folder, { unetWeights: 'int8-matmul' })).status).toBe('converted');
    expect((await convertCheckpoint(ckpt, folder, { unetWeights: 'int8-matmul' })).status).toBe('up_to_date');
    expect(upToDateConversion(ckpt, folder, { unetWeights: 'int8' })).toBeUndefined();
    expect((await convertCheckpoint(ckpt, folder, { unetWeights: 'int8' })).status).toBe('converted');
    expect(readIndex(folder).unetWeights).toBe('int8');
    expect(upToDateConversion(ckpt, folder, { unetWeights: 'int8' })).toMatchObject({ unetWeights: 'int8' });
    expect((await convertCheckpoint(ckpt, folder, { unetWeights: 'float' })).status).toBe('converted');
    expect(unetDataBytes(folder)).toBe(unetDataBytes(join(models, 'float')));
  });
});

describe('convertCheckpoint refuses bad checkpoints and leaves no folder', () => {
  const cases: [string, string, () => string][] = [
    ['missing', 'checkpoint_not_found', () => join(dir, 'absent.ckpt')],
    [
      'not a zip',
      'checkpoint_unknown_format',
      () => {
        writeFileSync(join(dir, 'text.ckpt'), 'not a checkpoint');
        return join(dir, 'text.ckpt');
      },
    ],
    [
      'truncated',
      'checkpoint_truncated',
      () => {
        const whole = readFileSync(ckpt);
        writeFileSync(join(dir, 'cut.ckpt'), whole.subarray(0, Math.floor(whole.length / 2)));
        return join(dir, 'cut.ckpt');
      },
    ],
    [
      'a pickle naming os.system',
      'pickle_forbidden_global',
      () => {
        const zip = new ZipWriter(join(dir, 'evil.ckpt'));
        zip.add('evil/data.pkl', [Buffer.from('\x80\x02cos\nsystem\nX\x02\x00\x00\x00ls\x85R.', 'latin1')]);
        zip.finish();
        return join(dir, 'evil.ckpt');
      },
    ],
    [
      'a tensor missing',
      'checkpoint_missing_tensors',
      () => {
        writeTinyCheckpoint(join(dir, 'missing.ckpt'), { edit: withoutTensor('first_stage_model.decoder.norm_out.bias') });
        return join(dir, 'missing.ckpt');
      },
    ],
    [
      'a wrong shape',
      'checkpoint_wrong_shape',
      () => {
        writeTinyCheckpoint(join(dir, 'shape.safetensors'), { edit: withShape('model.diffusion_model.out.0.bias', [31]) });
        return join(dir, 'shape.safetensors');
      },
    ],
  ];

  it.each(cases)('%s: %s', async (label, code, make) => {
    const path = make();
    const target = join(dir, 'refused', label.replace(/\W+/g, '-'));
    const error = await rejectionOf(convertCheckpoint(path, target));
    expect(error).toMatchObject({ code, path });
    expect(existsSync(target)).toBe(false);
    if (existsSync(join(dir, 'refused'))) expect(readdirSync(join(dir, 'refused'))).toEqual([]);
  });

  it('names the missing tensor, and the expected and actual shape of a wrong one', async () => {
    const missing = await rejectionOf(convertCheckpoint(join(dir, 'missing.ckpt'), join(dir, 'x')));
    expect(missing.message).toContain('first_stage_model.decoder.norm_out.bias');
    const shape = await rejectionOf(convertCheckpoint(join(dir, 'shape.safetensors'), join(dir, 'x')));
    expect(shape.message).toContain('model.diffusion_model.out.0.bias: expected [32], found [31]');
  });

  it('a missing attention projection is caught although the sizes are inferred from the same tensors', async () => {
    const path = join(dir, 'no-proj-in.ckpt');
    writeTinyCheckpoint(path, { edit: withoutTensor('model.diffusion_model.input_blocks.1.1.proj_in.weight') });
    const error = await rejectionOf(convertCheckpoint(path, join(dir, 'y')));
    expect(error).toMatchObject({ code: 'checkpoint_missing_tensors' });
    expect(error.message).toContain('model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight');
    expect(existsSync(join(dir, 'y'))).toBe(false);
  });
});
