import { defineNode, int, output, socket } from '../runtime/index.ts';
import { autoTileSize, planTiles, RRDBNET_IO, TileBlender, type Tile } from '../models/upscale/index.ts';
import { batchItem } from './lib/image.ts';
import { SD_TYPES, type ImageBatch, type UpscaleModelHandle } from './lib/sd-types.ts';
import { vaeSessionOptions } from './lib/vae-session.ts';

export default defineNode({
  type: 'ImageUpscaleWithModel',
  displayName: 'Upscale Image (using Model)',
  category: 'image/upscaling',
  description:
    'Enlarges images by the upscale model\'s factor. The model runs on overlapping tiles whose seams are cross-faded, ' +
    'so memory stays bounded whatever the size (a 512x512 image to 2048x2048 with x4plus runs in 160-pixel tiles by default). ' +
    '`tile_size` 0 picks the largest tile that fits a 512 MiB activation budget; progress is reported per tile and a ' +
    'cancelled run stops at the next tile.',
  inputs: {
    image: socket<ImageBatch>(SD_TYPES.image),
    upscale_model: socket<UpscaleModelHandle>(SD_TYPES.upscaleModel),
    tile_size: int({ default: 0, min: 0, max: 2048, step: 8, description: 'Tile side in input pixels (at least overlap + 8); 0 = automatic.' }),
    overlap: int({ default: 16, min: 0, max: 256, step: 4, description: 'Input pixels neighbouring tiles share and blend.' }),
  },
  outputs: { image: output<ImageBatch>(SD_TYPES.image) },
  async execute({ image, upscale_model: model, tile_size, overlap }, ctx) {
    // Without ORT's memory arena, like the VAE: each tile's activations go back to the system after its run.
    const session = await ctx.env.sessions.open(model.path, vaeSessionOptions(ctx.env.backend));
    const m = model.inputMultiple;
    const roundUp = (n: number) => Math.ceil(n / m) * m;
    const [width, height] = [roundUp(image.width), roundUp(image.height)];
    const tile = Math.max(overlap + 8, tile_size > 0 ? tile_size : autoTileSize(model));
    const tiles = planTiles(width, height, tile, overlap);
    const s = model.scale;
    const out = new Uint8Array(image.width * s * image.height * s * 3 * image.batch);
    let done = 0;
    for (let b = 0; b < image.batch; b++) {
      const planes = toPlanes(batchItem(image, b).data, image.width, image.height, width, height);
      const blender = new TileBlender(width * s, height * s, s, overlap);
      for (const t of tiles) {
        ctx.signal.throwIfAborted();
        const feeds = { [RRDBNET_IO.input]: { type: 'float32' as const, data: cut(planes, width, height, t), dims: [1, 3, t.height, t.width] } };
        const result = await session.run(feeds, { signal: ctx.signal });
        blender.add(t, result[RRDBNET_IO.output].data as Float32Array);
        ctx.progress(++done, tiles.length * image.batch);
      }
      out.set(blender.toRgb(image.width * s, image.height * s), b * image.width * s * image.height * s * 3);
    }
    return { image: { width: image.width * s, height: image.height * s, batch: image.batch, data: out } };
  },
});

/** RGB bytes to float [3, height, width] in [0, 1], the edge pixels repeated out to the padded size. */
function toPlanes(rgb: Uint8Array, w: number, h: number, width: number, height: number): Float32Array {
  const planes = new Float32Array(3 * width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const src = (Math.min(y, h - 1) * w + Math.min(x, w - 1)) * 3;
      for (let c = 0; c < 3; c++) planes[c * width * height + y * width + x] = rgb[src + c] / 255;
    }
  }
  return planes;
}

function cut(planes: Float32Array, width: number, height: number, t: Tile): Float32Array {
  const out = new Float32Array(3 * t.width * t.height);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < t.height; y++) {
      const from = c * width * height + (t.y + y) * width + t.x;
      out.set(planes.subarray(from, from + t.width), (c * t.height + y) * t.width);
    }
  }
  return out;
}
