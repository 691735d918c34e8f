import { runChild } from './child.ts';
import type { Figure } from './figures.ts';
import type { DeepCacheRun } from './tasks/deep-cache.ts';
import { DEFAULT_UNET_LABEL, FULL_MODELS } from './full-models.ts';

/** The interval the issue sets its target at, and the runs around it: off, on, off again (side by side in one process). */
const INTERVAL = 3;
const RUNS = [1, INTERVAL, 1];
/** A multiple of the interval, so the run's share of full calls is the steady state's (1 in 3). */
const STEPS = 6;
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * DeepCache (UNetStep deep_cache_interval) on the full-size random model: the UNet time of a txt2img at interval 3
 * against interval 1 before and after it, the time of a full and of a cached call, and how far the result drifts
 * from interval 1's (final latent, decoded image). `dataDir` holds the converted models of FULL_MODELS.
 */
export async function deepCacheFigures(dataDir: string): Promise<Figure[]> {
  const figures: Figure[] = [];
  for (const [key, { folder, unetWeights }] of Object.entries(FULL_MODELS)) {
    log(`DeepCache: txt2img 512x512, ${STEPS} euler steps, deep_cache_interval ${RUNS.join(', ')} on the ${unetWeights} UNet`);
    const { result: runs } = await runChild<DeepCacheRun[]>('deep-cache', { dataDir, model: folder, steps: STEPS, intervals: RUNS });
    figures.push(...deepCacheRunFigures(key === 'default' ? 'default' : 'fp32', runs));
  }
  return figures;
}

/** The figures of one model's runs (interval 1, INTERVAL, 1 again, STEPS euler steps each): the default conversion's or the fp32 one's. */
export function deepCacheRunFigures(model: 'default' | 'fp32', runs: DeepCacheRun[]): Figure[] {
  const off = runs.filter((run) => run.interval === 1);
  const on = runs.find((run) => run.interval === INTERVAL) as DeepCacheRun;
  const onMs = sum(on.unetCallMs);
  const fullCalls = on.unetCallMs.filter((_, i) => i % INTERVAL === 0);
  const full = sum(fullCalls) / fullCalls.length;
  const cached = median(on.unetCallMs.filter((_, i) => i % INTERVAL !== 0));
  const sequential = off.map((run) => sum(run.unetCallMs) / onMs);
  const suffix = model === 'default' ? '' : `_${model}`;
  const label = model === 'default' ? DEFAULT_UNET_LABEL : `${model} UNet`;
  // Against the run's own full calls, which alternate with its cached ones and so see the same load: runs one
  // after the other on a shared machine differ by more than the effect (the sequential ratios are in the note).
  // A full call is the plain UNet's (the If adds nothing measurable: docs/performance.md).
  return [{
    id: `deepcache.speedup${suffix}`, label: `DeepCache at interval ${INTERVAL}, sampling speed-up (${label})`,
    value: (on.unetCallMs.length * full) / onMs, unit: 'x',
    target: { kind: 'min', limit: 1.8, text: '≥ 1.8x' },
    note: `txt2img 512x512 (UNet batch 2 with CFG, 64x64 latent), ${STEPS} euler steps: UNet time ${seconds(onMs)} at interval ${INTERVAL} ` +
      `against ${STEPS} of its full calls (${seconds(full)} each; a cached one ${seconds(cached)}, ${(full / cached).toFixed(2)}x less), ` +
      `so a long run tends to ${(INTERVAL * full / (full + (INTERVAL - 1) * cached)).toFixed(2)}x; whole runs at interval 1 before and after in the ` +
      `same process: ${sequential.map((ratio) => `${ratio.toFixed(2)}x`).join(' and ')} (load-dependent); shallowest branch ` +
      `(conv_in, input_blocks.1, output_blocks.10-11 computed)`,
  }, {
    id: `deepcache.latent_drift${suffix}`, label: `DeepCache at interval ${INTERVAL}, final latent against interval 1 (${label})`,
    value: on.latentMaxRelativeError, unit: 'max rel. error',
    note: `max |latent - latent at interval 1| / max |latent at interval 1| after ${STEPS} euler steps on the random-weight model; ` +
      `interval 1 again: ${off[off.length - 1].latentMaxRelativeError.toExponential(1)}. The shapes-tiny colour test at interval 3 (test/e2e/shapes-model.test.ts) needs 45/50`,
  }, {
    id: `deepcache.psnr${suffix}`, label: `DeepCache at interval ${INTERVAL}, decoded image against interval 1 (${label})`,
    value: on.psnrDb, unit: 'dB',
    note: `PSNR of the 512x512 8-bit decoded images; random weights make a noisy image, so this is a bound on drift, not a quality score`,
  }];
}
