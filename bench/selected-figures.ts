import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild } from './child.ts';
import type { Figure, Unavailable } from './figures.ts';
import { deepCacheFigures } from './deepcache-figures.ts';
import { int8Figures } from './int8-figures.ts';
import { cachedFullSizeData, loraFigures } from './lora-figures.ts';
import { FULL_MODELS } from './full-models.ts';
import { measureComputePeak } from './compute-peak.ts';
import type { UnetStepResult } from './tasks/unet-step.ts';
import { unetVariantFigures, type UnetRun } from './unet-variants.ts';
import { measurePeer, peerFigures } from './peer-figures.ts';
import { peakFigures } from './peak-figures.ts';
import { txt2imgFigures } from './txt2img-figures.ts';
import { tomeFigures } from './tome-figures.ts';
import { vaeFigures } from './vae-figures.ts';

/** The groups `--only` can pick; each runs on its own, without the rest of the full bench. */
export const FIGURE_GROUPS = ['unet', 'vae', 'txt2img', 'lora', 'deepcache', 'tome', 'int8'] as const;
export type FigureGroup = (typeof FIGURE_GROUPS)[number];

/** The LoRA figures' float and int8 full-size models, built once and kept. */
const LORA_DATA = fileURLToPath(new URL('../.tmp/bench/full-size/', import.meta.url));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/**
 * The converted full-size random models the txt2img figures run, the float and the default
 * conversion (FULL_MODELS) under `<dataDir>/models/`, converted there from one random checkpoint when missing. With
 * `--full-model <dir>` the folder outlives the run, so later runs skip the 4.3 GB checkpoint and its
 * conversions; delete it after changing models/.
 */
async function ensureFullModels(dataDir: string): Promise<void> {
  const missing = Object.values(FULL_MODELS).filter(({ folder }) => !existsSync(join(dataDir, 'models', folder, 'model_index.json')));
  if (missing.length === 0) return;
  mkdirSync(join(dataDir, 'models'), { recursive: true });
  const checkpoint = join(dataDir, 'sd15-random.ckpt');
  log('writing a full-size random checkpoint');
  await runChild('write-checkpoint', { path: checkpoint });
  for (const { folder, unetWeights } of missing) {
    log(`converting it (${unetWeights} UNet)`);
    await runChild('convert', { checkpoint, outDir: join(dataDir, 'models', folder), unetWeights });
  }
  rmSync(checkpoint);
}

/** The figures of the chosen groups only (`npm run bench -- --only vae,txt2img`), the attainable rates first. */
export async function selectedFigures(groups: FigureGroup[], workDir: string, fullModelDir?: string): Promise<{ figures: Figure[]; unavailable: Unavailable[] }> {
  const peak = await peakFigures(workDir);
  const figures = [...peak.figures];
  const unavailable = [...peak.unavailable];
  if (groups.includes('unet')) figures.push(...(await unetFigures(await cachedFullSizeData(LORA_DATA), workDir)));
  if (groups.includes('vae')) {
    log('writing the full-size VAE decoder');
    const decoder = await runChild<{ path: string }>('write-vae-decoder', { path: join(workDir, 'vae-decoder.onnx') });
    figures.push(...(await vaeFigures(decoder.result.path, workDir, peak.peak)).figures);
  }
  if (groups.includes('txt2img')) {
    const dataDir = fullModelDir ?? join(workDir, 'data');
    await ensureFullModels(dataDir);
    const peer = await measurePeer(workDir);
    const txt2img = await txt2imgFigures(dataDir);
    figures.push(...txt2img.figures);
    if ('reason' in peer) unavailable.push(peer);
    else figures.push(...peerFigures(peer, txt2img.shipped));
  }
  if (groups.includes('lora')) figures.push(...(await loraFigures(await cachedFullSizeData(LORA_DATA), workDir)));
  // The same two full-size models as the LoRA figures (FULL_MODELS), kept between runs.
  if (groups.includes('deepcache')) figures.push(...(await deepCacheFigures(await cachedFullSizeData(LORA_DATA))));
  if (groups.includes('tome')) figures.push(...(await tomeFigures(await cachedFullSizeData(LORA_DATA), workDir)));
  if (groups.includes('int8')) figures.push(...(await int8Figures(workDir)));
  return { figures, unavailable };
}

/** The fp32 UNet step against the attainable limit, the rates measured right before it; fp32 again after it. */
async function unetFigures(dataDir: string, workDir: string): Promise<Figure[]> {
  const modelPath = join(dataDir, 'models', FULL_MODELS.float.folder, 'unet', 'model.onnx');
  const peak = await measureComputePeak(workDir);
  const run = async (name: string): Promise<UnetRun> => {
    log(`UNet step: ${name}`);
    const outcome = await runChild<UnetStepResult>('unet-step', { modelPath, session: {}, timedSteps: 2 });
    return { name, ...outcome.result, peakRssBytes: outcome.peakRssBytes };
  };
  const reference = await run('float32');
  const referenceAgain = await run('float32');
  return unetVariantFigures({ reference, referenceAgain, variants: [], psnr: {}, peak }).figures;
}
