import { describe, expect, it } from 'vitest';
import emptyLatent from '../../nodes/empty-latent.ts';
import { fakeContext } from './fake-context.ts';

describe('EmptyLatent', () => {
  it('gives zeros of shape [B, 4, H/8, W/8]', async () => {
    const { latent } = await emptyLatent.execute({ width: 96, height: 64, batch_size: 3 }, await fakeContext());
    expect(latent.shape).toEqual([3, 4, 8, 12]);
    expect(latent.data.length).toBe(3 * 4 * 8 * 12);
    expect(latent.data.every((v) => v === 0)).toBe(true);
  });

  it('refuses sizes that are not multiples of 8, naming the input', async () => {
    await expect(emptyLatent.execute({ width: 64, height: 100, batch_size: 1 }, await fakeContext())).rejects.toMatchObject({
      code: 'invalid_value',
      input: 'height',
    });
  });

  it('documents its size limit in the widget and the description', () => {
    expect(emptyLatent.inputs.width.max).toBe(2048);
    expect(emptyLatent.description).toContain('2048');
  });
});
