import type { ComputePeak } from './compute-peak.ts';
import type { Figure, Unavailable } from './figures.ts';
import { median } from './timed-session.ts';
import type { UnetStepResult } from './tasks/unet-step.ts';

/** FLOP of one SD 1.5 UNet step at batch 2, 64x64 latent, by kernel family (ARCHITECTURE.md). */
const STEP_GFLOP = { conv: 888, linear: 467, attention: 252 };
const TOTAL_GFLOP = STEP_GFLOP.conv + STEP_GFLOP.linear + STEP_GFLOP.attention;
/** The three upsampling convs (1280 channels at 16x16 and 32x32, 640 at 64x64), at the upsampled size. */
const UPSAMPLING_CONV_GFLOP = 136;
/** The built graph runs each upsampling conv as four 2x2 convs at the low resolution: 4/9 of its FLOP. */
const EXECUTED_CONV_GFLOP = Math.round(STEP_GFLOP.conv - (5 / 9) * UPSAMPLING_CONV_GFLOP);
/** Issue 18's target: the fp32 step at this share of the time the measured conv and MatMul rates allow. */
const LIMIT_TARGET_PERCENT = 92;
/** Documented tolerances for a variant to be eligible as a shipped default. */
export const FLOAT_VARIANT_MAX_ERROR = 1e-4;
export const INT8_MIN_PSNR_DB = 30;

export interface UnetRun extends UnetStepResult { name: string; peakRssBytes: number }

/** What each variant is, for the table; the names are the figure ids. */
const VARIANT_LABELS: Record<string, string> = {
  'threads-1': 'fp32, 1 intra-op thread (default: one per core)',
  spinning: 'fp32, intra-op threads spin-wait (ORT\'s default; ours: they sleep)',
  'optimization-basic': 'fp32, graph optimisation basic (default: all)',
  'optimization-extended': 'fp32, graph optimisation extended',
  'int8-matmul': 'int8 linear layers',
  int8: 'int8 linear layers and convolutions',
};

/** Seconds a step needs at the attainable rates: convs at the conv rate, the rest at the MatMul rate. */
export const attainableStepSeconds = (peak: ComputePeak) =>
  STEP_GFLOP.conv / peak.convGflops + (STEP_GFLOP.linear + STEP_GFLOP.attention) / peak.matmulGflops;

export interface UnetMeasurements {
  /** fp32 with the default settings, right after the attainable rates were measured. */
  reference: UnetRun;
  /** fp32 again, after the variants. */
  referenceAgain: UnetRun;
  variants: UnetRun[];
  /** Decoded-image PSNR against fp32, by variant name. */
  psnr: Record<string, number>;
  peak: ComputePeak;
}

export function unetVariantFigures({ reference, referenceAgain, variants, psnr, peak }: UnetMeasurements): { figures: Figure[]; unavailable: Unavailable[] } {
  const stepSeconds = median(reference.stepMs) / 1000;
  const againSeconds = median(referenceAgain.stepMs) / 1000;
  // Variants ran between the two fp32 measurements: compare them with the mean.
  const baselineSeconds = (stepSeconds + againSeconds) / 2;
  const limit = attainableStepSeconds(peak);
  const figures: Figure[] = [
    {
      id: 'unet.float32.step', label: 'UNet step, full size, batch 2, 64x64, fp32', value: stepSeconds, unit: 's',
      note: `median of ${reference.stepMs.length} after a warm-up, ORT run() time (${againSeconds.toFixed(1)} s when measured again after the variants); PyTorch 21.6 s, torch.onnx.export + ORT 11.5 s; session load ${(reference.loadMs / 1000).toFixed(0)} s`,
    },
    { id: 'unet.float32.gflops', label: 'UNet step throughput', value: TOTAL_GFLOP / stepSeconds, unit: 'GFLOP/s', note: `${TOTAL_GFLOP.toLocaleString('en-US')} GFLOP per step (conv 888, linear 467, attention 252)` },
    {
      id: 'unet.float32.vs_limit', label: 'UNet step vs the attainable limit measured alongside', value: (100 * limit) / stepSeconds, unit: '%',
      target: { kind: 'min', limit: LIMIT_TARGET_PERCENT, text: `≥ ${LIMIT_TARGET_PERCENT}%` },
      note: `limit ${limit.toFixed(1)} s/step = conv GFLOP at the conv rate + linear and attention GFLOP at the MatMul rate; the three upsampling convs run as 2x2 phase convs at the low resolution (${EXECUTED_CONV_GFLOP} of the ${STEP_GFLOP.conv} conv GFLOP executed)`,
    },
  ];
  for (const variant of variants) {
    const seconds = median(variant.stepMs) / 1000;
    const label = VARIANT_LABELS[variant.name] ?? variant.name;
    const isInt8 = variant.name.startsWith('int8');
    figures.push({
      id: `variant.${variant.name}.step`, label: `Variant: UNet ${label}`, value: seconds, unit: 's/step',
      target: isInt8 ? { kind: 'max', limit: 5, text: '≤ 5 s' } : undefined,
      note: `${(baselineSeconds / seconds).toFixed(2)}x the speed of fp32 (mean of the two fp32 measurements, ${baselineSeconds.toFixed(1)} s); median of ${variant.stepMs.length} steps after a warm-up; peak ${(variant.peakRssBytes / 1e9).toFixed(1)} GB`,
    });
    const error = variant.maxRelativeError ?? Number.NaN;
    if (isInt8 && psnr[variant.name] !== undefined) {
      figures.push({
        id: `variant.${variant.name}.psnr`, label: `Variant: UNet ${label}, decoded image vs fp32`, value: psnr[variant.name], unit: 'dB PSNR',
        target: { kind: 'min', limit: INT8_MIN_PSNR_DB, text: `≥ ${INT8_MIN_PSNR_DB} dB (tolerance)` },
        note: `max relative error of the UNet output ${error.toExponential(2)}; the UNet output decoded by the VAE, 512x512`,
      });
    } else {
      figures.push({
        id: `variant.${variant.name}.error`, label: `Variant: UNet ${label}, output vs fp32`, value: error, unit: 'max rel. error',
        target: { kind: 'max', limit: FLOAT_VARIANT_MAX_ERROR, text: `≤ ${FLOAT_VARIANT_MAX_ERROR} (tolerance)` },
        note: 'max |out - ref| / max |ref| over the UNet output',
      });
    }
  }
  const unavailable: Unavailable[] = [{
    id: 'variant.attention', label: 'Variant: attention form',
    reason: 'buildUnet has one attention form, ORT\'s MultiHeadAttention (its CPU flash kernel): the fastest measured at 4096 tokens, 8 heads of 40 (70-75% of the 2048² MatMul rate per CPU-second, AVX-512 Xeon); MatMul + Softmax + MatMul over query chunks of 256 to 4096 ran at 45-65% and needs the score matrix in memory',
  }];
  return { figures, unavailable };
}
