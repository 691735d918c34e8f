import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChild } from './child.ts';
import type { Figure, Unavailable } from './figures.ts';
import { int8Figures } from './int8-figures.ts';
import { cachedFullSizeData, loraFigures } from './lora-figures.ts';
import { peakFigures } from './peak-figures.ts';
import { txt2imgFigures } from './txt2img-figures.ts';
import { vaeFigures } from './vae-figures.ts';

/** The groups `--only` can pick; each runs on its own, without the rest of the full bench. */
export const FIGURE_GROUPS = ['vae', 'txt2img', 'lora', 'int8'] as const;
export type FigureGroup = (typeof FIGURE_GROUPS)[number];

const MODEL_NAME = 'full';
/** The LoRA figures' float and int8 full-size models, built once and kept. */
const LORA_DATA = fileURLToPath(new URL('../.tmp/bench/full-size/', import.meta.url));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

/**
 * The converted full-size random model under `<dataDir>/models/full`, written and converted there
 * when it is missing. With `--full-model <dir>` the folder outlives the run, so later runs skip the
 * 4.3 GB checkpoint and its conversion; delete it after changing models/.
 */
async function ensureFullModel(dataDir: string): Promise<void> {
  const modelDir = join(dataDir, 'models', MODEL_NAME);
  if (existsSync(join(modelDir, 'model_index.json'))) return;
  mkdirSync(join(dataDir, 'models'), { recursive: true });
  const checkpoint = join(dataDir, 'sd15-random.ckpt');
  log('writing a full-size random checkpoint');
  await runChild('write-checkpoint', { path: checkpoint });
  log('converting it');
  await runChild('convert', { checkpoint, outDir: modelDir });
  rmSync(checkpoint);
}

/** The figures of the chosen groups only (`npm run bench -- --only vae,txt2img`), the attainable rates first. */
export async function selectedFigures(groups: FigureGroup[], workDir: string, fullModelDir?: string): Promise<{ figures: Figure[]; unavailable: Unavailable[] }> {
  const peak = await peakFigures(workDir);
  const figures = [...peak.figures];
  if (groups.includes('vae')) {
    log('writing the full-size VAE decoder');
    const decoder = await runChild<{ path: string }>('write-vae-decoder', { path: join(workDir, 'vae-decoder.onnx') });
    figures.push(...(await vaeFigures(decoder.result.path, workDir, peak.peak)).figures);
  }
  if (groups.includes('txt2img')) {
    const dataDir = fullModelDir ?? join(workDir, 'data');
    await ensureFullModel(dataDir);
    figures.push(...(await txt2imgFigures(dataDir, MODEL_NAME)));
  }
  if (groups.includes('lora')) figures.push(...(await loraFigures(await cachedFullSizeData(LORA_DATA), workDir)));
  if (groups.includes('int8')) figures.push(...(await int8Figures(workDir)));
  return { figures, unavailable: peak.unavailable };
}
