import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelSession, Tensor } from '../../../runtime/backends/index.ts';
import { controlResidualInputs, TINY_SD15_CONFIG } from '../../../models/sd15/index.ts';
import { percentToSigma, prepareControl, withControl } from '../../../nodes/lib/control.ts';
import type { Conditioning, ControlApplication, ControlNetHandle, UnetHandle } from '../../../nodes/lib/sd-types.ts';
import { fakeContext } from '../fake-context.ts';

const config = TINY_SD15_CONFIG.unet;
const residuals = controlResidualInputs(config);
const settings = { graphOptimizationLevel: 'all', memoryArena: true, memoryPattern: true, spinning: false } as const;
const runProgram = () => Promise.reject(new Error('no session programs in this test'));
const [B, H, W, S, WIDTH] = [1, 8, 8, 77, 64];

/** A ControlNet whose every residual is `value`, recording the rows each call ran. */
function fakeControlNet(path: string, value: number, calls: { path: string; rows: number; hint: number[] }[]): ModelSession {
  return {
    modelPath: path, backend: 'cpu', inputs: [], outputs: [], settings, runProgram,
    async run(feeds) {
      const rows = feeds.sample.dims[0];
      calls.push({ path, rows, hint: feeds.hint.dims });
      return Object.fromEntries(residuals.map(({ name, channels, downsampled }) => {
        const side = H / 2 ** downsampled;
        return [name, { type: 'float32', data: new Float32Array(rows * channels * side * side).fill(value), dims: [rows, channels, side, side] } satisfies Tensor];
      }));
    },
  };
}

const controlUnet: ModelSession = {
  modelPath: '/models/x/unet/model.onnx', backend: 'cpu', inputs: residuals.map(({ name }) => ({ name, type: 'float32', dims: [] })), outputs: [], settings, runProgram,
  run: () => Promise.reject(new Error('not run here')),
};

describe('prepareControl', () => {
  const net = (name: string): ControlNetHandle => ({ name, path: `/controlnet/${name}/controlnet.onnx`, config });
  const image = { width: 16, height: 16, batch: 1, data: new Uint8Array(16 * 16 * 3).fill(255) };
  const application = (name: string, strength: number, start = 0, end = 1): ControlApplication => ({ controlNet: net(name), image, strength, start, end });
  const text: Conditioning = { data: new Float32Array(S * WIDTH), shape: [1, S, WIDTH] };
  const unet: UnetHandle = { model: 'x', backend: 'cpu', path: '/models/x/unet/model.onnx', nativeImageSize: 64 };
  const step = (rows: number) => ({ latent: new Float32Array(B * 4 * H * W), context: new Float32Array(rows * S * WIDTH), contextDims: [rows, S, WIDTH], timestep: 500 });

  async function setUp(positive: Conditioning, negative: Conditioning) {
    const calls: { path: string; rows: number; hint: number[] }[] = [];
    const sessions = { [unet.path]: controlUnet, [net('a').path]: fakeControlNet(net('a').path, 1, calls), [net('b').path]: fakeControlNet(net('b').path, 10, calls) };
    const ctx = await fakeContext({ sessions });
    const control = await prepareControl(ctx, { unet, positive, negative, shape: [B, 4, H, W], padded: [H, W] });
    return { control, calls };
  }
  const first = (feeds: Record<string, Tensor> | undefined, name = 'control_0') => Array.from(feeds?.[name].data as Float32Array);

  it('is not needed without ControlNets, or when all have strength 0', async () => {
    expect((await setUp(text, text)).control).toBeUndefined();
    expect(withControl(text, application('a', 0))).toBe(text);
    expect((await setUp({ ...text, control: [application('a', 0)] }, text)).control).toBeUndefined();
  });

  it('a ControlNet on the positive conditioning fills the positive rows only, times its strength; a shared one runs once over both', async () => {
    const positiveOnly = await setUp(withControl(text, application('a', 0.5)), text);
    const plane = residuals[0].channels * H * W;
    const rows = first(await positiveOnly.control?.residuals(1, step(2)));
    expect(rows.slice(0, plane).every((v) => v === 0.5)).toBe(true);
    expect(rows.slice(plane).every((v) => v === 0)).toBe(true);
    expect(positiveOnly.calls).toEqual([{ path: net('a').path, rows: 1, hint: [1, 3, 64, 64] }]);

    const shared = application('a', 2);
    const both = await setUp(withControl(text, shared), withControl(text, shared));
    expect(first(await both.control?.residuals(1, step(2))).every((v) => v === 2)).toBe(true);
    expect(both.calls.map((c) => c.rows)).toEqual([2]);
    // Without guidance only the positive rows run.
    expect(first(await both.control?.residuals(1, step(1))).every((v) => v === 2)).toBe(true);
  });

  it('sums several ControlNets and leaves out those whose window does not hold the step\'s sigma', async () => {
    const early = application('b', 1, 0, 0.5);
    const { control, calls } = await setUp(withControl(withControl(text, application('a', 1)), early), text);
    const high = percentToSigma(0.2);
    const low = percentToSigma(0.8);
    expect(first(await control?.residuals(high, step(1))).every((v) => v === 11)).toBe(true);
    expect(first(await control?.residuals(low, step(1))).every((v) => v === 1)).toBe(true);
    expect(calls.map((c) => c.path)).toEqual([net('a').path, net('b').path, net('a').path]);
    const late = await setUp(withControl(text, application('a', 1, 0.6, 0.9)), text);
    expect(await late.control?.residuals(high, step(1))).toBeUndefined();
    expect(await late.control?.residuals(percentToSigma(0.95), step(1))).toBeUndefined();
    expect(await late.control?.residuals(percentToSigma(0.75), step(1))).toBeDefined();
  });

  it('refuses a ControlNet made for another UNet size than the model\'s', async () => {
    const tiny: UnetHandle = { ...unet, path: resolve('data/models/tiny/unet/model.onnx') };
    const wide: ControlApplication = { ...application('a', 1), controlNet: { ...net('a'), config: { ...config, channels: [64, 128] } } };
    const ctx = await fakeContext();
    await expect(prepareControl(ctx, { unet: tiny, positive: text, negative: withControl(text, wide), shape: [B, 4, H, W], padded: [H, W] }))
      .rejects.toMatchObject({ code: 'controlnet_unet_mismatch', input: 'negative' });
  });

  it('refuses a UNet that has no ControlNet inputs', async () => {
    const plain = { ...controlUnet, inputs: [] };
    const ctx = await fakeContext({ sessions: { [unet.path]: plain, [net('a').path]: fakeControlNet(net('a').path, 1, []) } });
    await expect(prepareControl(ctx, { unet, positive: withControl(text, application('a', 1)), negative: text, shape: [B, 4, H, W], padded: [H, W] }))
      .rejects.toMatchObject({ code: 'unet_control_unsupported' });
  });
});
