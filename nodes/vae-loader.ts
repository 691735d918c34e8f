import { stat } from 'node:fs/promises';
import { choice, defineNode, output, string } from '../runtime/index.ts';
import { resolveVae, vaeDir, vaeFileOf } from '../models/vae-folder.ts';
import { BACKEND_CHOICES } from './load-model.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { VaeHandle } from './lib/sd-types.ts';

export default defineNode({
  type: 'VAELoader',
  displayName: 'Load VAE',
  category: 'loaders',
  description:
    'Loads a separate VAE from data/vae/ (e.g. vae-ft-mse-840000-ema-pruned.safetensors; original or diffusers key names, ' +
    '.safetensors, .ckpt or .pt) for VAEDecode and VAEEncode to use instead of the checkpoint\'s own. Converted into its two ONNX ' +
    'networks on first use (with progress, cancellable), then reused while the file is unchanged. `vae_name` is the file name or its stem.',
  inputs: {
    vae_name: string({ default: 'vae-ft-mse-840000-ema-pruned.safetensors', description: 'A file in data/vae/.' }),
    backend: choice({ choices: BACKEND_CHOICES, default: 'default', description: 'Where the VAE runs; `default` is the run\'s backend.' }),
  },
  outputs: {
    vae: output<VaeHandle>(SD_TYPES.vae, 'Image <-> latent autoencoder'),
  },
  async fingerprint({ vae_name: name }, env) {
    const file = vaeFileOf(env.dataDir, name);
    const stats = file ? await stat(file, { bigint: true }) : undefined;
    return `${vaeDir(env.dataDir)} ${name} ${stats ? `${stats.size}@${stats.mtimeNs}` : '-'}`;
  },
  async execute({ vae_name: name, backend }, ctx) {
    const runBackend = backend === 'default' ? ctx.env.backend : backend;
    const files = await resolveVae(ctx.env.dataDir, name, { signal: ctx.signal, onProgress: (done, total) => ctx.progress(done, total) });
    ctx.log.info(`VAE "${files.name}" on ${runBackend}`);
    return { vae: { model: `vae:${files.name}`, backend: runBackend, encoder: files.encoder, decoder: files.decoder } };
  },
});
