import { convertCheckpoint, type UnetWeights } from '../../models/convert/index.ts';
import { writeFullCheckpoint, writeFullVaeDecoder, writeQuantizedUnet } from '../full-size.ts';

export async function writeCheckpoint(args: { path: string }): Promise<{ bytes: number }> {
  return { bytes: writeFullCheckpoint(args.path) };
}

/**
 * Converts the checkpoint into an ONNX model folder, as `latentflow convert --unet float` does (the
 * fp32 UNet is the reference every target and variant is measured against), or with the UNet
 * weights asked for.
 */
export async function convert(args: { checkpoint: string; outDir: string; unetWeights?: UnetWeights }): Promise<{ convertMs: number }> {
  const started = performance.now();
  const result = await convertCheckpoint(args.checkpoint, args.outDir, { unetWeights: args.unetWeights ?? 'float' });
  if (result.status !== 'converted') throw new Error(`expected a fresh conversion into ${args.outDir}, got ${result.status}`);
  return { convertMs: performance.now() - started };
}

export async function quantizeUnet(args: { dir: string; quantization: 'int8' | 'int8-matmul' }): Promise<{ path: string; buildMs: number }> {
  const started = performance.now();
  const path = writeQuantizedUnet(args.dir, args.quantization);
  return { path, buildMs: performance.now() - started };
}

export async function writeVaeDecoder(args: { path: string }): Promise<{ path: string }> {
  return { path: writeFullVaeDecoder(args.path) };
}
