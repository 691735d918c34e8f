import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runChild } from './child.ts';
import type { Figure } from './figures.ts';
import { median } from './timed-session.ts';
import type { TomeArgs, TomeResult, TomeVariant } from './tasks/tome.ts';
import { FULL_MODELS } from './full-models.ts';

const RATIO = 0.5;
const TARGET_SPEEDUP = 1.2;
const DRIFT_STEPS = 6;
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/** What the node's token_merge_ratio builds, then the two extensions ToMe-SD offers, measured on the default UNet only. */
const SHIPPED: TomeVariant = { name: 'tome', tokenMerge: { ratio: RATIO } };
const EXTENSIONS: TomeVariant[] = [
  { name: 'tome-level2', tokenMerge: { ratio: RATIO, maxDownsample: 2 } },
  { name: 'tome-mlp', tokenMerge: { ratio: RATIO, mlp: true } },
];
const LABELS: Record<string, string> = {
  tome: `ToMe ratio ${RATIO} (full-resolution self-attention)`,
  'tome-level2': `ToMe ratio ${RATIO}, also at the next level (1024 tokens)`,
  'tome-mlp': `ToMe ratio ${RATIO}, also before the MLP`,
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Token merging (ToMe for SD) on the full-size random model, side by side with it off in one process: the UNet
 * step at batch 2, 64x64 in CPU time (rounds interleaved off, on, ..., off), and the drift of a 6-step Euler txt2img (CFG 7)
 * against it off: the final latent's max relative error and the decoded image's PSNR.
 */
export async function tomeFigures(dataDir: string, workDir: string): Promise<Figure[]> {
  const figures: Figure[] = [];
  // The CPU default first, with the extensions; then the fp32 reference.
  for (const [key, { folder, unetWeights }] of Object.entries(FULL_MODELS).reverse()) {
    const weights = unetWeights === 'float' ? 'fp32' : unetWeights;
    const variants = [{ name: 'off' }, SHIPPED, ...(key === 'default' ? EXTENSIONS : [])];
    log(`ToMe on the ${weights} UNet: ${variants.map((v) => v.name).join(', ')}`);
    const cacheDir = join(workDir, `tome-${key}`);
    const args: TomeArgs = { modelDir: join(dataDir, 'models', folder), cacheDir, variants, rounds: 2, driftSteps: DRIFT_STEPS };
    const { result } = await runChild<TomeResult>('tome', args);
    rmSync(cacheDir, { recursive: true, force: true });
    figures.push(...tomeResultFigures(weights, result));
  }
  return figures;
}

export function tomeResultFigures(weights: string, { steps, drift, driftSteps }: TomeResult): Figure[] {
  const off = steps.off;
  const figures: Figure[] = [];
  for (const [name, times] of Object.entries(steps)) {
    if (name === 'off') continue;
    const label = LABELS[name] ?? name;
    const wall = median(off.wallMs) / median(times.wallMs);
    const cpu = median(off.cpuMs) / median(times.cpuMs);
    figures.push({
      id: `tome.${weights}.${name}.speedup`, label: `${label}, ${weights} UNet step, batch 2, 64x64 (CPU time)`, value: cpu, unit: 'x',
      target: name === SHIPPED.name ? { kind: 'min', limit: TARGET_SPEEDUP, text: `≥ ${TARGET_SPEEDUP}x` } : undefined,
      note: `median CPU time of a step off ${seconds(median(off.cpuMs))} (${off.cpuMs.length} runs), on ${seconds(median(times.cpuMs))} ` +
        `(${times.cpuMs.length}), interleaved in one process (CPU time, so other jobs on the cores barely move it); ` +
        `in ORT run() wall time ${wall.toFixed(2)}x (${seconds(median(off.wallMs))} vs ${seconds(median(times.wallMs))})`,
    });
    const d = drift[name];
    if (!d) continue;
    figures.push({
      id: `tome.${weights}.${name}.latent_error`, label: `${label}, ${weights}: final latent vs off`, value: d.maxRelativeError, unit: 'max rel. error',
      note: `${driftSteps}-step Euler txt2img 512x512, CFG 7, seeded noise and random conditionings, same in both`,
    });
    figures.push({
      id: `tome.${weights}.${name}.psnr`, label: `${label}, ${weights}: decoded image vs off`, value: d.psnr, unit: 'dB PSNR',
      note: `the final latents of that run decoded by the model's VAE (random weights: the PSNR of a real checkpoint's images may differ)`,
    });
  }
  return figures;
}
