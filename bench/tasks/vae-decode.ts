import { createNoise } from '../../models/noise.ts';
import { vaeSessionOptions } from '../../nodes/lib/vae-session.ts';
import { psnr, readFloats, writeFloats } from '../compare.ts';
import { openTimed } from '../timed-session.ts';

export interface VaeDecodeArgs {
  modelPath: string;
  /** A UNet output (batch 2) whose first item is decoded; seeded noise when absent. */
  latentPath?: string;
  /** Where to keep the decoded image. */
  imagePath?: string;
  /** A decoded image to compare with (PSNR). */
  referenceImagePath?: string;
}

export interface VaeDecodeResult { loadMs: number; decodeMs: number; psnr?: number }

const LATENT = [1, 4, 64, 64];
const LATENT_SIZE = LATENT.reduce((a, b) => a * b, 1);

/** One 512x512 decode, the first after loading, with the session VAEDecode opens, as a user meets it. */
export async function vaeDecode(args: VaeDecodeArgs): Promise<VaeDecodeResult> {
  const started = performance.now();
  const timed = await openTimed(args.modelPath, vaeSessionOptions('cpu'));
  const loadMs = performance.now() - started;
  try {
    const latent = args.latentPath ? readFloats(args.latentPath).slice(0, LATENT_SIZE) : createNoise(13).normal(LATENT_SIZE);
    const { outputs, ms } = await timed.run({ latent_sample: { type: 'float32', data: latent, dims: LATENT } });
    const image = outputs.sample.data as Float32Array;
    if (args.imagePath) writeFloats(args.imagePath, image);
    const score = args.referenceImagePath ? psnr(image, readFloats(args.referenceImagePath)) : undefined;
    return { loadMs, decodeMs: ms, psnr: score };
  } finally {
    await timed.close();
  }
}
