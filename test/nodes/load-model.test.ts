import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import loadModel from '../../nodes/load-model.ts';
import { fakeContext } from './fake-context.ts';

const dataDir = path.resolve(import.meta.dirname, '../../data');

describe('LoadModel', () => {
  it('hands out the paths of the tiny model, on the run\'s backend by default', async () => {
    const ctx = await fakeContext({ env: { dataDir, backend: 'cuda' } });
    const { clip, unet, vae } = await loadModel.execute({ model: 'tiny', backend: 'default' }, ctx);
    for (const file of [clip.textEncoder, unet.path, vae.decoder, vae.encoder!, path.join(clip.tokenizerDir, 'vocab.json')]) {
      expect(existsSync(file), file).toBe(true);
    }
    expect([clip.model, unet.model, vae.model]).toEqual(['tiny', 'tiny', 'tiny']);
    expect([clip.backend, unet.backend, vae.backend]).toEqual(['cuda', 'cuda', 'cuda']);
    expect(ctx.opened).toEqual([]);
  });

  it('uses the chosen backend when one is set', async () => {
    const { unet } = await loadModel.execute({ model: 'tiny', backend: 'cpu' }, await fakeContext({ env: { dataDir, backend: 'cuda' } }));
    expect(unet.backend).toBe('cpu');
  });

  it('names the unknown model and refuses names that leave the data folder', async () => {
    const ctx = await fakeContext({ env: { dataDir } });
    await expect(loadModel.execute({ model: 'no-such-model', backend: 'default' }, ctx)).rejects.toThrow(/no-such-model/);
    await expect(loadModel.execute({ model: '../secrets', backend: 'default' }, ctx)).rejects.toThrow(/secrets/);
  });
});
