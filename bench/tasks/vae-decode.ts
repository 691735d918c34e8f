import { createNoise } from '../../models/noise.ts';
import { vaeSessionOptions } from '../../nodes/lib/vae-session.ts';
import { psnr, readFloats, writeFloats } from '../compare.ts';
import { CONV, CONV_GFLOP, MATMUL_GFLOP, MATMUL_SIZE, writeConvModel, writeMatmulModel } from '../micro-models.ts';
import { openTimed } from '../timed-session.ts';
import type { Tensor } from '../../runtime/backends/index.ts';

export interface VaeDecodeArgs {
  modelPath: string;
  /** A UNet output (batch 2) whose first item is decoded; seeded noise when absent. */
  latentPath?: string;
  /** Where to keep the decoded image. */
  imagePath?: string;
  /** A decoded image to compare with (PSNR). */
  referenceImagePath?: string;
  /** A folder for the micro-models: with it, the conv and MatMul rates per CPU-second are measured first, in this process. */
  ratesDir?: string;
}

/** GFLOP per second of CPU time (both threads counted): unlike wall time, it hardly moves when other jobs share the cores. */
export interface CpuRates { convGflopPerCpuS: number; matmulGflopPerCpuS: number }

export interface VaeDecodeResult { loadMs: number; decodeMs: number; decodeCpuMs: number; psnr?: number; cpuRates?: CpuRates }

/** The least CPU time of a few runs after a warm-up. */
async function leastCpuMs(modelPath: string, feeds: Record<string, Tensor>): Promise<number> {
  const timed = await openTimed(modelPath);
  try {
    await timed.run(feeds);
    let least = Infinity;
    for (let i = 0; i < 3; i++) {
      const before = process.cpuUsage();
      await timed.run(feeds);
      const used = process.cpuUsage(before);
      least = Math.min(least, (used.user + used.system) / 1000);
    }
    return least;
  } finally {
    await timed.close();
  }
}

async function cpuRates(dir: string): Promise<CpuRates> {
  const x = createNoise(4).normal(CONV.batch * CONV.channels * CONV.side * CONV.side);
  const convMs = await leastCpuMs(writeConvModel(dir), { x: { type: 'float32', data: x, dims: [CONV.batch, CONV.channels, CONV.side, CONV.side] } });
  const a = createNoise(3).normal(MATMUL_SIZE * MATMUL_SIZE);
  const matmulMs = await leastCpuMs(writeMatmulModel(dir, 'float32'), { a: { type: 'float32', data: a, dims: [MATMUL_SIZE, MATMUL_SIZE] } });
  return { convGflopPerCpuS: CONV_GFLOP / (convMs / 1000), matmulGflopPerCpuS: MATMUL_GFLOP / (matmulMs / 1000) };
}

const LATENT = [1, 4, 64, 64];
const LATENT_SIZE = LATENT.reduce((a, b) => a * b, 1);

/** One 512x512 decode, the first after loading, with the session VAEDecode opens, as a user meets it. */
export async function vaeDecode(args: VaeDecodeArgs): Promise<VaeDecodeResult> {
  const rates = args.ratesDir ? await cpuRates(args.ratesDir) : undefined;
  const started = performance.now();
  const timed = await openTimed(args.modelPath, vaeSessionOptions('cpu'));
  const loadMs = performance.now() - started;
  try {
    const latent = args.latentPath ? readFloats(args.latentPath).slice(0, LATENT_SIZE) : createNoise(13).normal(LATENT_SIZE);
    const before = process.cpuUsage();
    const { outputs, ms } = await timed.run({ latent_sample: { type: 'float32', data: latent, dims: LATENT } });
    const used = process.cpuUsage(before);
    const image = outputs.sample.data as Float32Array;
    if (args.imagePath) writeFloats(args.imagePath, image);
    const score = args.referenceImagePath ? psnr(image, readFloats(args.referenceImagePath)) : undefined;
    return { loadMs, decodeMs: ms, decodeCpuMs: (used.user + used.system) / 1000, psnr: score, cpuRates: rates };
  } finally {
    await timed.close();
  }
}
