import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import builtin from '../../nodes/index.ts';
import loadModel from '../../nodes/load-model.ts';
import { createExecutor, createRegistry, defineNode, definePlugin, socket } from '../../runtime/index.ts';
import { fakeContext } from './fake-context.ts';
import { writeTinyCheckpoint, writeTinyDiffusersFolder } from '../fixtures/tiny-checkpoint.ts';
import { cancelled } from '../../runtime/errors.ts';

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
    expect(unet.nativeImageSize).toBe(64);
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

  it('fails a run with the checkpoint\'s own code (not node_failed), naming the node, for a missing or damaged model', async () => {
    const data = await mkdtemp(path.join(tmpdir(), 'lf-bad-model-'));
    await writeFile(path.join(data, 'broken.safetensors'), 'not a checkpoint at all');
    const sink = defineNode({
      type: 'UnetSink', displayName: 'Sink', category: 't', description: '', output: true,
      inputs: { unet: socket('UNET') }, outputs: {}, execute: async () => ({}),
    });
    const registry = createRegistry();
    registry.register(builtin);
    registry.register(definePlugin({ name: 'sink', version: '1', nodes: [sink] }));
    const env = { ...(await fakeContext({ env: { dataDir: data } })).env };
    const errorFor = async (model: string) => {
      const workflow = { version: 1, nodes: { m: { type: 'LoadModel', inputs: { model } }, s: { type: 'UnetSink', inputs: { unet: { from: 'm', output: 'unet' } } } } };
      const result = await createExecutor({ registry }).run(workflow, { env });
      return result.status === 'failed' ? result.error : result;
    };
    expect(await errorFor('no-such-model')).toMatchObject({ code: 'model_not_found', nodeId: 'm', nodeType: 'LoadModel' });
    expect(await errorFor('broken')).toMatchObject({ code: expect.stringMatching(/^checkpoint_/), nodeId: 'm', nodeType: 'LoadModel' });
  });

  describe('fingerprint', () => {
    /** A data folder whose models are bare folders: enough for listing and fingerprinting, not for running. */
    async function dataWith(...names: string[]) {
      const data = await mkdtemp(path.join(tmpdir(), 'lf-models-'));
      for (const name of names) await addModel(data, name);
      return data;
    }
    async function addModel(data: string, name: string) {
      await mkdir(path.join(data, 'models', name, 'unet'), { recursive: true });
      await writeFile(path.join(data, 'models', name, 'unet', 'model.onnx'), 'onnx');
      await writeFile(path.join(data, 'models', name, 'model_index.json'), '{}');
    }
    const fingerprintOf = async (data: string, model: string) =>
      loadModel.fingerprint!({ model, backend: 'default' }, (await fakeContext({ env: { dataDir: data } })).env);

    it('is stable while nothing changes, and changes when `auto` has a model added to choose from', async () => {
      const data = await dataWith('shapes-tiny');
      const before = await fingerprintOf(data, 'auto');
      expect(await fingerprintOf(data, 'auto')).toBe(before);
      await addModel(data, 'dreamy');
      expect(await fingerprintOf(data, 'auto')).not.toBe(before);
    });

    it('changes when the named model\'s model_index.json or model.onnx is rewritten, or its checkpoint appears', async () => {
      const data = await dataWith('dreamy', 'other');
      const fingerprints = [await fingerprintOf(data, 'dreamy')];
      await addModel(data, 'other');
      expect(await fingerprintOf(data, 'dreamy')).toBe(fingerprints[0]);
      const later = new Date(Date.now() + 60_000);
      await utimes(path.join(data, 'models', 'dreamy', 'model_index.json'), later, later);
      fingerprints.push(await fingerprintOf(data, 'dreamy'));
      await writeFile(path.join(data, 'models', 'dreamy', 'unet', 'model.onnx'), 'a larger onnx');
      fingerprints.push(await fingerprintOf(data, 'dreamy'));
      await writeFile(path.join(data, 'dreamy.safetensors'), 'weights');
      fingerprints.push(await fingerprintOf(data, 'dreamy'));
      expect(new Set(fingerprints).size).toBe(4);
    });

    it('leaves a bad name to execute, which names it', async () => {
      const data = await dataWith();
      expect(typeof (await fingerprintOf(data, '../secrets'))).toBe('string');
    });
  });
});

describe('LoadModel converting a checkpoint on first use', () => {
  it('stops the conversion when the run is cancelled, leaving no model folder and no staging folder', async () => {
    const data = await mkdtemp(path.join(tmpdir(), 'lf-cancel-'));
    writeTinyCheckpoint(path.join(data, 'dreamy.ckpt'));
    const controller = new AbortController();
    const ctx = await fakeContext({ env: { dataDir: data }, signal: controller.signal });
    // Cancel as soon as the worker reports the first progress: the conversion is under way.
    ctx.progress = () => controller.abort(cancelled());
    await expect(loadModel.execute({ model: 'dreamy', backend: 'default' }, ctx)).rejects.toMatchObject({ code: 'cancelled' });
    expect(readdirSync(path.join(data, 'models'))).toEqual([]);
  });

  it('does not start converting when the run is already cancelled', async () => {
    const data = await mkdtemp(path.join(tmpdir(), 'lf-cancel-'));
    writeTinyCheckpoint(path.join(data, 'dreamy.ckpt'));
    const controller = new AbortController();
    controller.abort(cancelled());
    const ctx = await fakeContext({ env: { dataDir: data }, signal: controller.signal });
    await expect(loadModel.execute({ model: 'dreamy', backend: 'default' }, ctx)).rejects.toMatchObject({ code: 'cancelled' });
    expect(existsSync(path.join(data, 'models', 'dreamy'))).toBe(false);
  });
});

describe('LoadModel on an inpainting checkpoint', () => {
  it('converts it and says so on the UNet handle (inChannels 9); an ordinary model has 4', async () => {
    const data = await mkdtemp(path.join(tmpdir(), 'lf-inpaint-'));
    const key = 'model.diffusion_model.input_blocks.0.0.weight';
    writeTinyCheckpoint(path.join(data, 'inpaint.safetensors'), {
      edit: (tensors) => tensors.map((t) => (t.name === key ? { name: key, shape: [t.shape[0], 9, 3, 3], values: () => new Float32Array(t.shape[0] * 81) } : t)),
    });
    writeTinyCheckpoint(path.join(data, 'plain.ckpt'));
    const ctx = await fakeContext({ env: { dataDir: data } });
    expect((await loadModel.execute({ model: 'inpaint', backend: 'cpu' }, ctx)).unet.inChannels).toBe(9);
    expect((await loadModel.execute({ model: 'plain', backend: 'cpu' }, ctx)).unet.inChannels).toBe(4);
  });

  it('finds a diffusers PyTorch folder in data/ by its name and converts it on first use', async () => {
    const data = await mkdtemp(path.join(tmpdir(), 'lf-diffusers-'));
    writeTinyDiffusersFolder(path.join(data, 'hub-model'));
    const ctx = await fakeContext({ env: { dataDir: data } });
    const { unet } = await loadModel.execute({ model: 'hub-model', backend: 'cpu' }, ctx);
    expect(unet.path).toBe(path.join(data, 'models', 'hub-model', 'unet', 'model.onnx'));
    expect(existsSync(unet.path)).toBe(true);
  });
});
