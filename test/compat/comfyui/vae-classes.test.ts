import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiPromptToWorkflow, comfyEnvironment, uiWorkflowToApiPrompt } from '../../../compat/comfyui/index.ts';
import { validateWorkflow } from '../../../runtime/index.ts';
import { builtinRegistry, REPO_DATA } from './environment.ts';

/** A data folder with the repository's models and one VAE file in data/vae/ (listed only: conversion needs a run). */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'comfy-vae-'));
fs.symlinkSync(path.join(REPO_DATA, 'models'), path.join(dataDir, 'models'));
fs.mkdirSync(path.join(dataDir, 'vae'));
fs.writeFileSync(path.join(dataDir, 'vae', 'vae-ft-mse-840000-ema-pruned.safetensors'), '');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const env = () => comfyEnvironment({ registry: builtinRegistry(), dataDir });

const prompt = (vaeName: string, tiled: Record<string, unknown>) => ({
  '1': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'shapes-tiny' } },
  '2': { class_type: 'VAELoader', inputs: { vae_name: vaeName } },
  '3': { class_type: 'LoadImage', inputs: { image: 'example.png' } },
  '4': { class_type: 'VAEEncodeTiled', inputs: { pixels: ['3', 0], vae: ['2', 0], ...tiled } },
  '5': { class_type: 'VAEDecodeTiled', inputs: { samples: ['4', 0], vae: ['2', 0], ...tiled } },
  '6': { class_type: 'SaveImage', inputs: { images: ['5', 0], filename_prefix: 'vae' } },
});

describe('ComfyUI VAE classes', () => {
  it('the VAE environment lists the files in data/vae/', () => {
    expect(env().vaes).toEqual(['vae-ft-mse-840000-ema-pruned.safetensors']);
  });

  it('VAELoader becomes a VAELoader node whose vae feeds VAEEncodeTiled and VAEDecodeTiled with their tile_size and overlap', () => {
    const tiled = { tile_size: 256, overlap: 32 };
    const { workflow } = apiPromptToWorkflow(prompt('vae-ft-mse-840000-ema-pruned.safetensors', tiled), env());
    expect(validateWorkflow(workflow, builtinRegistry())).toEqual([]);
    expect(workflow.nodes['2']).toEqual({ type: 'VAELoader', inputs: { vae_name: 'vae-ft-mse-840000-ema-pruned.safetensors' } });
    expect(workflow.nodes['4']).toEqual({
      type: 'VAEEncodeTiled',
      inputs: { vae: { from: '2', output: 'vae' }, image: { from: '3', output: 'image' }, tile_size: 256, overlap: 32 },
    });
    expect(workflow.nodes['5']).toEqual({
      type: 'VAEDecodeTiled',
      inputs: { vae: { from: '2', output: 'vae' }, latent: { from: '4', output: 'latent' }, tile_size: 256, overlap: 32 },
    });
  });

  it('the tiled classes accept newer ComfyUI\'s temporal_size and temporal_overlap and leave them out (an SD 1.5 VAE has no time axis)', () => {
    const { workflow } = apiPromptToWorkflow(prompt('vae-ft-mse-840000-ema-pruned.safetensors', { tile_size: 512, overlap: 64, temporal_size: 64, temporal_overlap: 8 }), env());
    expect(validateWorkflow(workflow, builtinRegistry())).toEqual([]);
    expect(Object.keys(workflow.nodes['5'].inputs ?? {}).sort()).toEqual(['latent', 'overlap', 'tile_size', 'vae']);
  });

  it('VAEDecodeTiled takes every tile_size on ComfyUI\'s step of 32, and a tile under four overlaps runs with overlap tile / 4 as in ComfyUI', () => {
    const decode = (tiled: Record<string, number>) => {
      const { workflow } = apiPromptToWorkflow({ ...prompt('vae-ft-mse-840000-ema-pruned.safetensors', {}), '5': { class_type: 'VAEDecodeTiled', inputs: { samples: ['4', 0], vae: ['2', 0], ...tiled } } }, env());
      return { issues: validateWorkflow(workflow, builtinRegistry()), inputs: workflow.nodes['5'].inputs };
    };
    for (const tile_size of [96, 480, 4064]) expect(decode({ tile_size, overlap: 32 }).issues).toEqual([]);
    const small = decode({ tile_size: 64, overlap: 64 });
    expect(small.issues).toEqual([]);
    expect(small.inputs).toMatchObject({ tile_size: 64, overlap: 16 });
    expect(decode({ tile_size: 512, overlap: 64 }).inputs).toMatchObject({ overlap: 64 });
  });

  it('a UI workflow\'s four tiled widgets_values read as tile_size, overlap, temporal_size, temporal_overlap', () => {
    const ui = {
      nodes: [{ id: 5, type: 'VAEDecodeTiled', inputs: [], widgets_values: [384, 96, 64, 8] }],
      links: [],
    };
    expect(uiWorkflowToApiPrompt(ui).prompt['5'].inputs).toEqual({ tile_size: 384, overlap: 96, temporal_size: 64, temporal_overlap: 8 });
  });

  it('a vae_name that is not in data/vae/ is refused at conversion, naming the node and input', () => {
    expect(() => apiPromptToWorkflow(prompt('missing.safetensors', {}), env())).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ code: 'comfy_value_not_in_list', nodeId: '2', input: 'vae_name' })] }),
    );
  });
});
