import type { NodeDescription } from '../../editor/src/api/types.ts';
import type { Workflow } from '../../editor/src/workflow/types.ts';

/** Node descriptions shaped like the built-in SD nodes, trimmed to what the tests touch. */
export const DESCRIPTIONS: NodeDescription[] = [
  {
    type: 'LoadModel', displayName: 'Load model', category: 'loaders', description: 'Loads a model',
    inputs: { model: { kind: 'string', default: 'tiny', socketType: 'STRING' } },
    outputs: { clip: { type: 'CLIP' }, unet: { type: 'UNET' }, vae: { type: 'VAE' } },
  },
  {
    type: 'Tokenizer', displayName: 'Tokenizer', category: 'conditioning', description: 'Text to tokens',
    inputs: { clip: { kind: 'socket', type: 'CLIP' }, text: { kind: 'string', default: '', multiline: true, socketType: 'STRING' } },
    outputs: { tokens: { type: 'TOKENS' } },
  },
  {
    type: 'EmptyLatent', displayName: 'Empty latent', category: 'latent', description: 'Zeros',
    inputs: {
      width: { kind: 'int', default: 512, min: 64, max: 2048, step: 64, socketType: 'INT' },
      height: { kind: 'int', default: 512, min: 64, max: 2048, step: 64, socketType: 'INT' },
    },
    outputs: { latent: { type: 'LATENT' } },
  },
  {
    type: 'UNetStep', displayName: 'UNet sampler', category: 'sampling', description: 'Denoises',
    inputs: {
      unet: { kind: 'socket', type: 'UNET' },
      latent: { kind: 'socket', type: 'LATENT' },
      cfg: { kind: 'float', default: 7.5, min: 0, max: 30, step: 0.5 },
      seed: { kind: 'seed', default: 0 },
    },
    outputs: { latent: { type: 'LATENT' } },
  },
  {
    type: 'VAEDecode', displayName: 'VAE decode', category: 'latent', description: 'Latent to image',
    inputs: { vae: { kind: 'socket', type: 'VAE' }, latent: { kind: 'socket', type: 'LATENT' } },
    outputs: { image: { type: 'IMAGE' } },
  },
  {
    type: 'SaveImage', displayName: 'Save image', category: 'image', description: 'Writes PNGs', output: true,
    inputs: { image: { kind: 'socket', type: 'IMAGE' }, filename_prefix: { kind: 'string', default: 'latentflow' } },
    outputs: {},
  },
];

export const CATALOG = new Map(DESCRIPTIONS.map((d) => [d.type, d]));

export function sampleWorkflow(): Workflow {
  return {
    version: 1,
    nodes: {
      model: { type: 'LoadModel', inputs: { model: 'tiny' } },
      positive: { type: 'Tokenizer', inputs: { clip: { from: 'model', output: 'clip' }, text: 'a red circle' } },
      latent: { type: 'EmptyLatent', inputs: { width: 256, height: 128 } },
      unet: { type: 'UNetStep', inputs: { unet: { from: 'model', output: 'unet' }, latent: { from: 'latent', output: 'latent' }, cfg: 6, seed: 42 } },
      decode: { type: 'VAEDecode', inputs: { vae: { from: 'model', output: 'vae' }, latent: { from: 'unet', output: 'latent' } } },
      save: { type: 'SaveImage', inputs: { image: { from: 'decode', output: 'image' }, filename_prefix: 'cat' } },
    },
    ui: {
      positions: { model: [0, 0], positive: [300, 0], latent: [0, 300], unet: [600, 100], decode: [900, 100], save: [1200, 100] },
      seedModes: { 'unet.seed': 'increment' },
      groups: [{ title: 'kept' }],
    },
  };
}
