import { createNoise } from '../../models/noise.ts';
import { tensorToImage } from '../../nodes/lib/image.ts';
import { LATENT_SCALE } from '../../nodes/lib/sd-types.ts';
import { automaticDecodeTiling, decodeLatent } from '../../nodes/lib/vae-codec.ts';
import { vaeSessionOptions } from '../../nodes/lib/vae-session.ts';
import { readFloats } from '../compare.ts';
import { openTimed } from '../timed-session.ts';

export interface VaeDecodeTiledArgs {
  modelPath: string;
  /** Image side in pixels. */
  side: number;
  /** Tile side and overlap in pixels, or 'auto': the tiling VAEDecode picks for this size (maybe none). */
  tiling: { tile: number; overlap: number } | 'auto';
  /** A UNet output (batch 2) whose first item is decoded, as the vae-decode task does; seeded noise when absent. */
  latentPath?: string;
  /** The same latent decoded in one piece by the vae-decode task (floats in [-1, 1]): compared as 8-bit images. */
  referenceImagePath?: string;
}

export interface VaeDecodeTiledResult {
  decodeMs: number;
  tiles: number;
  /** The tile side used, or 0 when VAEDecode decodes this size in one piece. */
  tile: number;
  /** PSNR (dB) of the 8-bit image against the reference, and its largest per-channel difference (of 255). */
  psnr?: number;
  maxDiff?: number;
}

/** One decode through decodeLatent, as VAEDecodeTiled (and VAEDecode past its memory limit) runs it. */
export async function vaeDecodeTiled(args: VaeDecodeTiledArgs): Promise<VaeDecodeTiledResult> {
  const timed = await openTimed(args.modelPath, vaeSessionOptions('cpu'));
  try {
    const cells = args.side / 8;
    // The vae-decode task's latent, scaled as a sampler's output is (decodeLatent divides by LATENT_SCALE).
    const size = 4 * cells * cells;
    const unscaled = args.latentPath ? readFloats(args.latentPath).slice(0, size) : createNoise(13).normal(size);
    const latent = { data: unscaled.map((v) => v * LATENT_SCALE), shape: [1, 4, cells, cells] };
    const tiling = args.tiling === 'auto' ? automaticDecodeTiling(args.side, args.side) : args.tiling;
    let tiles = 1;
    const started = performance.now();
    const image = await decodeLatent(timed.session, latent, tiling, new AbortController().signal, (done) => { tiles = done; });
    const decodeMs = performance.now() - started;
    if (!args.referenceImagePath) return { decodeMs, tiles, tile: tiling?.tile ?? 0 };
    const reference = tensorToImage(readFloats(args.referenceImagePath), 1, args.side, args.side).data;
    let squared = 0;
    let maxDiff = 0;
    for (let i = 0; i < reference.length; i++) {
      const d = Math.abs(image.data[i] - reference[i]);
      squared += d * d;
      maxDiff = Math.max(maxDiff, d);
    }
    const mse = squared / reference.length;
    return { decodeMs, tiles, tile: tiling?.tile ?? 0, psnr: mse === 0 ? Infinity : 10 * Math.log10(255 ** 2 / mse), maxDiff };
  } finally {
    await timed.close();
  }
}
