import { createNoise } from '../../models/noise.ts';
import { psnr, readFloats } from '../compare.ts';
import { openTimed } from '../timed-session.ts';

export interface VaeDecodeArgs {
  modelPath: string;
  /** A UNet output (batch 2) whose first item is decoded as the reference image. */
  referenceLatentPath?: string;
  /** Outputs of UNet variants, decoded and compared with the reference image. */
  variants: Record<string, string>;
}

export interface VaeDecodeResult { loadMs: number; decodeMs: number; psnr: Record<string, number> }

const LATENT = [1, 4, 64, 64];
const LATENT_SIZE = LATENT.reduce((a, b) => a * b, 1);

const latentFrom = (path: string) => readFloats(path).slice(0, LATENT_SIZE);

/** A 512x512 decode (timed: the first after loading, as a user meets it), then one per variant for PSNR. */
export async function vaeDecode(args: VaeDecodeArgs): Promise<VaeDecodeResult> {
  const started = performance.now();
  const timed = await openTimed(args.modelPath);
  const loadMs = performance.now() - started;
  try {
    const decode = (latent: Float32Array) => timed.run({ latent_sample: { type: 'float32', data: latent, dims: LATENT } });
    const reference = await decode(args.referenceLatentPath ? latentFrom(args.referenceLatentPath) : createNoise(13).normal(LATENT_SIZE));
    const image = reference.outputs.sample.data as Float32Array;
    const scores: Record<string, number> = {};
    for (const [name, path] of Object.entries(args.variants)) {
      scores[name] = psnr((await decode(latentFrom(path))).outputs.sample.data as Float32Array, image);
    }
    return { loadMs, decodeMs: reference.ms, psnr: scores };
  } finally {
    await timed.close();
  }
}
