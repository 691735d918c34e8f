import { defineNode, output, socket } from '../runtime/index.ts';
import { tensorToImage } from './lib/image.ts';
import { LATENT_SCALE, SD_TYPES } from './lib/sd-types.ts';
import type { ImageBatch, Latent, VaeHandle } from './lib/sd-types.ts';
import { vaeSessionOptions } from './lib/vae-session.ts';

export default defineNode({
  type: 'VAEDecode',
  displayName: 'VAE Decode',
  category: 'latent',
  description:
    `Decodes latents into RGB images (8x the latent size): divides by ${LATENT_SCALE}, runs the VAE decoder one image at a time ` +
    '(to bound memory at large sizes), maps [-1, 1] to 0..255.',
  inputs: {
    vae: socket<VaeHandle>(SD_TYPES.vae),
    latent: socket<Latent>(SD_TYPES.latent),
  },
  outputs: {
    image: output<ImageBatch>(SD_TYPES.image),
  },
  async execute({ vae, latent }, ctx) {
    const session = await ctx.env.sessions.open(vae.decoder, vaeSessionOptions(vae.backend));
    const [batch, channels, h, w] = latent.shape;
    const size = channels * h * w;
    const images: ImageBatch[] = [];
    for (let b = 0; b < batch; b++) {
      const data = Float32Array.from(latent.data.subarray(b * size, (b + 1) * size), (v) => v / LATENT_SCALE);
      const result = await session.run({ [session.inputs[0].name]: { type: 'float32', data, dims: [1, channels, h, w] } }, { signal: ctx.signal });
      const sample = result.sample ?? result[session.outputs[0].name];
      images.push(tensorToImage(sample.data as Float32Array, 1, sample.dims[2], sample.dims[3]));
      ctx.progress(b + 1, batch);
    }
    const { width, height } = images[0];
    const data = new Uint8Array(width * height * 3 * batch);
    images.forEach((image, b) => data.set(image.data, b * image.data.length));
    return { image: { width, height, batch, data } };
  },
});
