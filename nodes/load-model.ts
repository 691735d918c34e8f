import { choice, defineNode, output, string } from '../runtime/index.ts';
import { resolveModel } from '../models/model-folder.ts';
import { modelFingerprint } from './lib/model-fingerprint.ts';
import { nativeImageSize } from './lib/native-image-size.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ClipHandle, UnetHandle, VaeHandle } from './lib/sd-types.ts';

/** `default` follows the run's backend (the CLI's `--backend`, the server's setting). */
export const BACKEND_CHOICES = ['default', 'cpu', 'cuda'] as const;

export default defineNode({
  type: 'LoadModel',
  displayName: 'Load Model',
  category: 'loaders',
  description:
    'Finds a Stable Diffusion 1.5 model and hands its text encoder (CLIP), UNet and VAE to the nodes that use them. ' +
    '`model` is a folder under data/models/ (converted, or a diffusers ONNX export), or the name of a .ckpt/.safetensors ' +
    'file in data/ (converted on first use, with progress, then reused). `auto` picks the first real model it finds, ' +
    'else the trained tiny model (shapes-tiny), else the random tiny test model (generated when missing). ' +
    'Nothing is loaded here: each node opens the network it needs on the chosen backend, and sessions are shared. ' +
    'The UNet output also carries the model\'s native image size (512 for SD 1.5, 64 for the tiny models), which EmptyLatent ' +
    'uses when its width/height are 0, and its input channels (9 for an inpainting checkpoint). Runs again (with the nodes after it) when a model is added, replaced or re-converted.',
  inputs: {
    model: string({ default: 'auto', description: 'Model name under data/ (folder or checkpoint stem), or `auto`.' }),
    backend: choice({ choices: BACKEND_CHOICES, default: 'default', description: 'Where the networks run; `default` is the run\'s backend.' }),
  },
  outputs: {
    clip: output<ClipHandle>(SD_TYPES.clip, 'Text encoder and tokenizer vocabulary'),
    unet: output<UnetHandle>(SD_TYPES.unet, 'Denoising UNet, with the model\'s native image size'),
    vae: output<VaeHandle>(SD_TYPES.vae, 'Image <-> latent autoencoder'),
  },
  fingerprint: ({ model }, env) => modelFingerprint(env.dataDir, model),
  async execute({ model, backend }, ctx) {
    const runBackend = backend === 'default' ? ctx.env.backend : backend;
    const files = await resolveModel(ctx.env.dataDir, model, {
      backend: runBackend,
      signal: ctx.signal,
      onProgress: (done: number, total: number) => ctx.progress(done, total),
    });
    ctx.log.info(`model "${files.name}" from ${files.dir} on ${runBackend}`);
    return {
      clip: { model: files.name, backend: runBackend, textEncoder: files.textEncoder, tokenizerDir: files.tokenizerDir },
      unet: {
        model: files.name,
        backend: runBackend,
        path: files.unet,
        nativeImageSize: await nativeImageSize(files),
        inChannels: files.config?.unet.inChannels ?? 4,
      },
      vae: { model: files.name, backend: runBackend, encoder: files.vaeEncoder, decoder: files.vaeDecoder },
    };
  },
});
