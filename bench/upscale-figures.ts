import { runChild } from './child.ts';
import type { Figure } from './figures.ts';
import type { UpscaleResult } from './tasks/upscale.ts';

const GB = 2 ** 30;

/** 512x512 -> 2048x2048 with Real-ESRGAN x4plus sizes (seeded weights), in automatic tiles. */
export async function upscaleFigures(dataDir: string): Promise<Figure[]> {
  await runChild('write-upscale-model', { dataDir });
  const run = await runChild<UpscaleResult>('upscale', { dataDir, side: 512 });
  const { width, height, tiles, upscaleMs } = run.result;
  return [
    {
      id: 'upscale.peak_rss', label: 'Peak memory, x4plus upscale 512 -> 2048, tiled', value: run.peakRssBytes / GB, unit: 'GB',
      note: `VmHWM of a process that converts, loads and runs it: ${tiles} tiles of the automatic size, ${width}x${height} out; 67 MB of weights`,
    },
    { id: 'upscale.time', label: 'x4plus upscale 512 -> 2048, tiled', value: upscaleMs / 1000, unit: 's', note: `${tiles} tiles, CPU` },
  ];
}
