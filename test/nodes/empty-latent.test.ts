import { describe, expect, it } from 'vitest';
import emptyLatent from '../../nodes/empty-latent.ts';
import builtin from '../../nodes/index.ts';
import { createRegistry, validateWorkflow } from '../../runtime/index.ts';
import type { UnetHandle } from '../../nodes/lib/sd-types.ts';
import { fakeContext } from './fake-context.ts';

const unetOfSize = (nativeImageSize: number): UnetHandle => ({ model: 'fake', backend: 'cpu', path: '/m/unet.onnx', nativeImageSize });

describe('EmptyLatent', () => {
  it('gives zeros of shape [B, 4, H/8, W/8]', async () => {
    const { latent } = await emptyLatent.execute({ unet: undefined, width: 96, height: 64, batch_size: 3 }, await fakeContext());
    expect(latent.shape).toEqual([3, 4, 8, 12]);
    expect(latent.data.length).toBe(3 * 4 * 8 * 12);
    expect(latent.data.every((v) => v === 0)).toBe(true);
  });

  it('takes a side of 0 from the linked unet\'s native size, each side on its own', async () => {
    const ctx = await fakeContext();
    const native = await emptyLatent.execute({ unet: unetOfSize(512), width: 0, height: 0, batch_size: 1 }, ctx);
    expect(native.latent.shape).toEqual([1, 4, 64, 64]);
    const mixed = await emptyLatent.execute({ unet: unetOfSize(64), width: 0, height: 128, batch_size: 2 }, ctx);
    expect(mixed.latent.shape).toEqual([2, 4, 16, 8]);
    const explicit = await emptyLatent.execute({ unet: unetOfSize(512), width: 96, height: 64, batch_size: 1 }, ctx);
    expect(explicit.latent.shape).toEqual([1, 4, 8, 12]);
  });

  it('warns, naming the native size, when a side is more than twice the linked model\'s native size', async () => {
    const ctx = await fakeContext();
    await emptyLatent.execute({ unet: unetOfSize(64), width: 128, height: 64, batch_size: 1 }, ctx);
    expect(ctx.warnings).toEqual([]);
    await emptyLatent.execute({ unet: unetOfSize(64), width: 512, height: 64, batch_size: 1 }, ctx);
    expect(ctx.warnings).toEqual([expect.stringContaining('native size of model "fake" (64x64)')]);
  });

  it('fails validation for a width off its step of 8, naming node and input, before anything runs', () => {
    const registry = createRegistry();
    registry.register(builtin);
    const issues = validateWorkflow({ version: 1, nodes: { size: { type: 'EmptyLatent', inputs: { width: 100, height: 64 } } } }, registry);
    expect(issues.filter((issue) => issue.code !== 'no_output')).toEqual([{
      code: 'not_multiple_of_step',
      nodeId: 'size',
      input: 'width',
      message: 'Node "size" (EmptyLatent), input "width": 100 is not a multiple of 8 (nearest: 96 or 104)',
    }]);
  });

  it('refuses a side of 0 without a linked unet, naming the input', async () => {
    await expect(emptyLatent.execute({ unet: undefined, width: 64, height: 0, batch_size: 1 }, await fakeContext())).rejects.toMatchObject({
      code: 'native_size_needs_unet',
      input: 'height',
      message: expect.stringContaining('no unet is linked'),
    });
  });

  it('refuses sizes that are not multiples of 8 or below 64, naming the input', async () => {
    const ctx = await fakeContext();
    await expect(emptyLatent.execute({ unet: undefined, width: 64, height: 100, batch_size: 1 }, ctx)).rejects.toMatchObject({
      code: 'image_side_invalid',
      input: 'height',
    });
    await expect(emptyLatent.execute({ unet: unetOfSize(512), width: 32, height: 64, batch_size: 1 }, ctx)).rejects.toMatchObject({
      code: 'image_side_invalid',
      input: 'width',
    });
  });

  it('documents its size limit and the meaning of 0 in the widgets and the description', () => {
    expect(emptyLatent.inputs.width.max).toBe(2048);
    expect([emptyLatent.inputs.width.default, emptyLatent.inputs.height.default]).toEqual([0, 0]);
    expect(emptyLatent.inputs.width.description).toContain('0 for the linked unet');
    expect(emptyLatent.description).toContain('2048');
    expect(emptyLatent.description).toContain('or 0 (the default) for the native image size');
    expect(emptyLatent.inputs.unet.optional).toBe(true);
  });
});
