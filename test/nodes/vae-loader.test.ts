import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import vaeLoader from '../../nodes/vae-loader.ts';
import { convertCheckpoint } from '../../models/convert.ts';
import { writeSafetensors, writeCkpt } from '../../models/checkpoint/index.ts';
import { TINY_SD15_CONFIG, VAE_PREFIX } from '../../models/sd15/index.ts';
import { tinyTensors, writeTinyCheckpoint } from '../fixtures/tiny-checkpoint.ts';
import { diffusersComponents } from '../fixtures/diffusers-names.ts';
import { fakeContext } from './fake-context.ts';
import { cancelled } from '../../runtime/errors.ts';

/** The tiny model's VAE as a separate file has it: original names without `first_stage_model.`. */
const separateVae = () => tinyTensors({ seed: 11 }).filter((t) => t.name.startsWith(VAE_PREFIX)).map((t) => ({ ...t, name: t.name.slice(VAE_PREFIX.length) }));

async function dataWithVaes() {
  const data = await mkdtemp(path.join(tmpdir(), 'lf-vae-'));
  mkdirSync(path.join(data, 'vae'));
  writeSafetensors(path.join(data, 'vae', 'vae-ft-tiny.safetensors'), separateVae());
  writeCkpt(path.join(data, 'vae', 'diffusers-vae.pt'), diffusersComponents(tinyTensors({ seed: 11 }), TINY_SD15_CONFIG).vae, { wrapInStateDict: false });
  // The reference: the same VAE weights inside a whole checkpoint, converted by the checkpoint converter.
  writeTinyCheckpoint(path.join(data, 'whole.ckpt'), { seed: 11 });
  const whole = await convertCheckpoint(path.join(data, 'whole.ckpt'), path.join(data, 'models', 'whole'), { unetWeights: 'float' });
  return { data, whole: whole.dir };
}

describe('VAELoader', () => {
  it('converts a separate VAE file (original names) into the VAE networks a checkpoint conversion would make, and hands out a VAE handle', async () => {
    const { data, whole } = await dataWithVaes();
    const ctx = await fakeContext({ env: { dataDir: data, backend: 'cpu' } });
    const { vae } = await vaeLoader.execute({ vae_name: 'vae-ft-tiny.safetensors', backend: 'default' }, ctx);
    expect(vae).toMatchObject({ model: 'vae:vae-ft-tiny', backend: 'cpu' });
    expect(readFileSync(vae.decoder).equals(readFileSync(path.join(whole, 'vae_decoder/model.onnx')))).toBe(true);
    expect(readFileSync(vae.encoder!).equals(readFileSync(path.join(whole, 'vae_encoder/model.onnx')))).toBe(true);
    expect(ctx.progressCalls.length).toBeGreaterThan(0);
    const again = await vaeLoader.execute({ vae_name: 'vae-ft-tiny', backend: 'cpu' }, await fakeContext({ env: { dataDir: data } }));
    expect(again.vae.decoder).toBe(vae.decoder);
  });

  it('reads diffusers VAE names (and linear attention weights) the same way', async () => {
    const { data, whole } = await dataWithVaes();
    const { vae } = await vaeLoader.execute({ vae_name: 'diffusers-vae', backend: 'cpu' }, await fakeContext({ env: { dataDir: data } }));
    expect(readFileSync(vae.decoder).equals(readFileSync(path.join(whole, 'vae_decoder/model.onnx')))).toBe(true);
  });

  it('names an unknown VAE and lists the files there are; refuses names that leave data/vae', async () => {
    const { data } = await dataWithVaes();
    const ctx = await fakeContext({ env: { dataDir: data } });
    await expect(vaeLoader.execute({ vae_name: 'nope', backend: 'cpu' }, ctx)).rejects.toMatchObject({
      code: 'model_not_found',
      message: expect.stringMatching(/"nope".*diffusers-vae\.pt, vae-ft-tiny\.safetensors/),
    });
    await expect(vaeLoader.execute({ vae_name: '../whole.ckpt', backend: 'cpu' }, ctx)).rejects.toMatchObject({ code: 'model_name_invalid' });
  });

  it('a file that is not a VAE is refused naming the file and what it lacks, and leaves no folder', async () => {
    const { data } = await dataWithVaes();
    writeSafetensors(path.join(data, 'vae', 'half.safetensors'), separateVae().filter((t) => !t.name.startsWith('decoder.conv_out')));
    const ctx = await fakeContext({ env: { dataDir: data } });
    await expect(vaeLoader.execute({ vae_name: 'half', backend: 'cpu' }, ctx)).rejects.toMatchObject({
      code: 'checkpoint_missing_tensors',
      message: expect.stringMatching(/half\.safetensors[\s\S]*decoder\.conv_out\.weight/),
    });
    const converted = path.join(data, 'vae', '.converted');
    expect(existsSync(converted) ? readdirSync(converted).filter((name) => name.includes('half')) : []).toEqual([]);
  });

  it('stops converting when the run is cancelled', async () => {
    const { data } = await dataWithVaes();
    const controller = new AbortController();
    controller.abort(cancelled());
    const ctx = await fakeContext({ env: { dataDir: data }, signal: controller.signal });
    await expect(vaeLoader.execute({ vae_name: 'vae-ft-tiny', backend: 'cpu' }, ctx)).rejects.toMatchObject({ code: 'cancelled' });
  });
});
