import { createNoise } from '../../models/noise.ts';
import { decodeLatent } from '../../nodes/lib/vae-codec.ts';
import { vaeSessionOptions } from '../../nodes/lib/vae-session.ts';
import { openTimed } from '../timed-session.ts';

export interface VaeDecodeTiledArgs {
  modelPath: string;
  /** Image side in pixels (1024 in the bench). */
  side: number;
  tile: number;
  overlap: number;
}

export interface VaeDecodeTiledResult { decodeMs: number; tiles: number }

/** One large decode in tiles, as VAEDecodeTiled (and VAEDecode past its memory limit) runs it. */
export async function vaeDecodeTiled(args: VaeDecodeTiledArgs): Promise<VaeDecodeTiledResult> {
  const timed = await openTimed(args.modelPath, vaeSessionOptions('cpu'));
  try {
    const cells = args.side / 8;
    const latent = { data: createNoise(13).normal(4 * cells * cells), shape: [1, 4, cells, cells] };
    let tiles = 0;
    const started = performance.now();
    await decodeLatent(timed.session, latent, { tile: args.tile, overlap: args.overlap }, new AbortController().signal, (done) => { tiles = done; });
    return { decodeMs: performance.now() - started, tiles };
  } finally {
    await timed.close();
  }
}
