import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runChild } from './child.ts';
import type { Figure } from './figures.ts';
import type { Txt2imgResult } from './tasks/txt2img.ts';

const GB = 1e9;
const bytesUnder = (path: string): number =>
  statSync(path).isDirectory() ? readdirSync(path).reduce((n, name) => n + bytesUnder(join(path, name)), 0) : statSync(path).size;

/** The shipped txt2img at 512x512 (2 steps) on the converted full-size model `<dataDir>/models/<model>`, in its own process. */
export async function txt2imgFigures(dataDir: string, model: string): Promise<Figure[]> {
  process.stderr.write('[bench] full-size txt2img (512x512, 2 steps)\n');
  const run = await runChild<Txt2imgResult>('txt2img', { dataDir, model, steps: 2 });
  const { wallMs, openMs, inferenceMs } = run.result;
  const modelDir = join(dataDir, 'models', model);
  const weightsHeld = ['text_encoder', 'unet', 'vae_decoder'].reduce((n, network) => n + bytesUnder(join(modelDir, network)), 0);
  return [
    {
      id: 'overhead.txt2img_full', label: 'Runtime overhead, full-size txt2img 512x512', value: (100 * (wallMs - openMs - inferenceMs)) / inferenceMs, unit: '% of ORT time',
      target: { kind: 'max', limit: 1, text: '< 1%' },
      note: `2 steps: ${(wallMs / 1000).toFixed(1)} s end to end, of which loading the networks ${(openMs / 1000).toFixed(1)} s (not counted) and ORT run() ${(inferenceMs / 1000).toFixed(1)} s`,
    },
    {
      id: 'txt2img.peak_rss', label: 'Peak memory, full txt2img 512x512', value: run.peakRssBytes / GB, unit: 'GB',
      target: { kind: 'max', limit: (1.3 * weightsHeld) / GB, text: `≤ 1.3x weights (${((1.3 * weightsHeld) / GB).toFixed(2)} GB)` },
      note: `${(run.peakRssBytes / weightsHeld).toFixed(2)}x the ${(weightsHeld / GB).toFixed(2)} GB of fp32 weights held; PyTorch 6.4 GB`,
    },
  ];
}
