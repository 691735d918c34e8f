import type { NodeDescription } from '../../editor/src/api/types.ts';
import type { Workflow } from '../../editor/src/workflow/types.ts';

type InputFields = Record<string, unknown> & { kind: string };

/** A node description as GET /api/nodes sends it (contract/node-description.ts), from inputs and outputs keyed by name. */
function described(
  head: { type: string; displayName: string; category: string; description: string; output?: boolean; version?: number },
  inputs: Record<string, InputFields>,
  outputs: Record<string, { type: string }>,
): NodeDescription {
  const SOCKET_TYPES: Record<string, string> = { int: 'INT', float: 'FLOAT', string: 'STRING', boolean: 'BOOLEAN', enum: 'STRING', seed: 'INT' };
  const input = (name: string, fields: InputFields) => {
    if (fields.kind === 'socket') return { name, optional: false, ...fields };
    const defaults = fields.kind === 'string' ? { multiline: false } : fields.kind === 'seed' ? { min: 0, max: 2 ** 32 - 1 } : {};
    return { name, socketType: SOCKET_TYPES[fields.kind], ...defaults, ...fields };
  };
  return {
    version: 1, plugin: 'latentflow-builtin', output: false, alwaysRun: false, ...head,
    inputs: Object.entries(inputs).map(([name, fields]) => input(name, fields) as NodeDescription['inputs'][number]),
    outputs: Object.entries(outputs).map(([name, out]) => ({ name, ...out })),
  };
}

/** Node descriptions shaped like the built-in SD nodes, trimmed to what the tests touch. */
export const DESCRIPTIONS: NodeDescription[] = [
  described(
    { type: 'LoadModel', displayName: 'Load model', category: 'loaders', description: 'Loads a model' },
    { model: { kind: 'string', default: 'tiny', socketType: 'STRING' } },
    { clip: { type: 'CLIP' }, unet: { type: 'UNET' }, vae: { type: 'VAE' } },
  ),
  described(
    { type: 'Tokenizer', displayName: 'Tokenizer', category: 'conditioning', description: 'Text to tokens' },
    { clip: { kind: 'socket', type: 'CLIP' }, text: { kind: 'string', default: '', multiline: true, socketType: 'STRING' } },
    { tokens: { type: 'TOKENS' } },
  ),
  described(
    { type: 'EmptyLatent', displayName: 'Empty latent', category: 'latent', description: 'Zeros' },
    {
      width: { kind: 'int', default: 512, min: 64, max: 2048, step: 64, socketType: 'INT' },
      height: { kind: 'int', default: 512, min: 64, max: 2048, step: 64, socketType: 'INT' },
    },
    { latent: { type: 'LATENT' } },
  ),
  described(
    { type: 'UNetStep', displayName: 'UNet sampler', category: 'sampling', description: 'Denoises' },
    {
      unet: { kind: 'socket', type: 'UNET' },
      latent: { kind: 'socket', type: 'LATENT' },
      cfg: { kind: 'float', default: 7.5, min: 0, max: 30, step: 0.5 },
      seed: { kind: 'seed', default: 0 },
    },
    { latent: { type: 'LATENT' } },
  ),
  described(
    { type: 'VAEDecode', displayName: 'VAE decode', category: 'latent', description: 'Latent to image' },
    { vae: { kind: 'socket', type: 'VAE' }, latent: { kind: 'socket', type: 'LATENT' } },
    { image: { type: 'IMAGE' } },
  ),
  described(
    { type: 'SaveImage', displayName: 'Save image', category: 'image', description: 'Writes PNGs', output: true },
    { image: { kind: 'socket', type: 'IMAGE' }, filename_prefix: { kind: 'string', default: 'latentflow' } },
    {},
  ),
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
