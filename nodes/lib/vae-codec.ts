import type { ModelSession } from '../../runtime/backends/index.ts';
import { imageToTensor, tensorToImage } from './image.ts';
import type { ImageBatch } from './image.ts';
import { LATENT_SCALE } from './sd-types.ts';
import type { Latent } from './sd-types.ts';
import { runTiled } from './tiles.ts';

/** Tile side and overlap, in pixels (multiples of 8). */
export interface VaeTiling {
  tile: number;
  overlap: number;
}

/**
 * Activation memory of the SD 1.5 VAE decoder per output pixel: a 512x512 decode needed about 1.4 GB
 * (measured, see vae-session.ts), mostly the 128- and 256-channel float maps of its top levels. The
 * leaner graph of models/onnx/decoder-ops.ts needs less, but a smaller estimate (2x2 tiles of 288 px at
 * 512x512) put the full txt2img at 1.31x its weights, over the 1.3x target (docs/performance.md).
 */
export const DECODE_BYTES_PER_PIXEL = 5400;
/** VAEDecode tiles an image whose decode would need more activation memory than this. */
export const DECODE_MEMORY_LIMIT = 512 * 1024 * 1024;
const AUTO_OVERLAP = 64;

/**
 * The tiling VAEDecode uses for an image of `width` x `height`: none while it fits DECODE_MEMORY_LIMIT.
 * Tiles are as large as the limit allows, then shrunk to the smallest side that needs no more of them,
 * so overlaps are no larger than they must be: 512x512 becomes 3x3 tiles of 216 (1.6x the pixels
 * decoded) rather than 3x3 tiles of the largest side allowed, 256 (2.25x).
 */
export function automaticDecodeTiling(width: number, height: number): VaeTiling | undefined {
  if (width * height * DECODE_BYTES_PER_PIXEL <= DECODE_MEMORY_LIMIT) return undefined;
  const largest = Math.floor(Math.sqrt(DECODE_MEMORY_LIMIT / DECODE_BYTES_PER_PIXEL) / 64) * 64;
  const needed = (side: number) => {
    if (side <= largest) return side;
    const tiles = Math.ceil((side - AUTO_OVERLAP) / (largest - AUTO_OVERLAP));
    return Math.ceil(((side - AUTO_OVERLAP) / tiles + AUTO_OVERLAP) / 8) * 8;
  };
  return { tile: Math.min(largest, Math.max(needed(width), needed(height))), overlap: AUTO_OVERLAP };
}

async function decodeOne(session: ModelSession, data: Float32Array, h: number, w: number, signal: AbortSignal): Promise<Float32Array> {
  const scaled = Float32Array.from(data, (v) => v / LATENT_SCALE);
  const result = await session.run({ [session.inputs[0].name]: { type: 'float32', data: scaled, dims: [1, 4, h, w] } }, { signal });
  return (result.sample ?? result[session.outputs[0].name]).data as Float32Array;
}

/**
 * Decodes a latent one image at a time, each whole or (with `tiling`) in overlapping tiles.
 * `onProgress` counts images, or tiles over all images when tiled.
 */
export async function decodeLatent(
  session: ModelSession,
  latent: Latent,
  tiling: VaeTiling | undefined,
  signal: AbortSignal,
  onProgress: (done: number, total: number) => void,
): Promise<ImageBatch> {
  const [batch, channels, h, w] = latent.shape;
  const size = channels * h * w;
  const width = w * 8;
  const height = h * 8;
  const data = new Uint8Array(width * height * 3 * batch);
  for (let b = 0; b < batch; b++) {
    const planes = latent.data.subarray(b * size, (b + 1) * size);
    const pixels = tiling
      ? await runTiled({
          input: planes, channels, height: h, width: w, outChannels: 3, scale: 8, tile: Math.max(1, Math.floor(tiling.tile / 8)), overlap: tiling.overlap / 8,
          run: (tile, th, tw) => decodeOne(session, tile, th, tw, signal),
          onTile: (done, total) => onProgress(b * total + done, batch * total),
        })
      : await decodeOne(session, planes, h, w, signal);
    data.set(tensorToImage(pixels, 1, height, width).data, b * width * height * 3);
    if (!tiling) onProgress(b + 1, batch);
  }
  return { width, height, batch, data };
}

async function encodeOne(session: ModelSession, pixels: Float32Array, h: number, w: number, signal: AbortSignal): Promise<Float32Array> {
  const result = await session.run({ [session.inputs[0].name]: { type: 'float32', data: pixels, dims: [1, 3, h, w] } }, { signal });
  const mean = (result.latent_sample ?? result[session.outputs[0].name]).data as Float32Array;
  return Float32Array.from(mean, (v) => v * LATENT_SCALE);
}

/** Encodes images (sides multiples of 8) into scaled latents, the posterior mean, whole or in overlapping tiles. */
export async function encodeImage(
  session: ModelSession,
  image: ImageBatch,
  tiling: VaeTiling | undefined,
  signal: AbortSignal,
  onProgress: (done: number, total: number) => void = () => {},
): Promise<Latent> {
  const { width, height, batch } = image;
  const tensor = imageToTensor(image);
  const shape = [batch, 4, height / 8, width / 8];
  const plane = 3 * width * height;
  const latentSize = 4 * (width / 8) * (height / 8);
  const data = new Float32Array(batch * latentSize);
  for (let b = 0; b < batch; b++) {
    const pixels = tensor.subarray(b * plane, (b + 1) * plane);
    const latent = tiling
      ? await runTiled({
          input: pixels, channels: 3, height, width, outChannels: 4, scale: 1 / 8, tile: tiling.tile, overlap: tiling.overlap, align: 8,
          run: (tile, th, tw) => encodeOne(session, tile, th, tw, signal),
          onTile: (done, total) => onProgress(b * total + done, batch * total),
        })
      : await encodeOne(session, pixels, height, width, signal);
    data.set(latent, b * latentSize);
    if (!tiling) onProgress(b + 1, batch);
  }
  return { data, shape };
}
