import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { existingConversion } from '../models/convert/index.ts';
import { runChild } from './child.ts';
import type { Figure } from './figures.ts';
import type { ApplyLoraResult } from './tasks/apply-lora.ts';
import type { LoraTxt2imgResult } from './tasks/lora-txt2img.ts';
import { DEFAULT_UNET_LABEL, FULL_MODELS } from './full-models.ts';

const GB = 1e9;
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Applying a LoRA at full size: the time on the default conversion's UNet and on the fp32 one,
 * a second application found in the cache, and the peak memory of txt2img without and then with
 * LoRAs in one process (a changed LoRA must not keep the replaced networks in memory).
 */
export async function loraFigures(dataDir: string, workDir: string): Promise<Figure[]> {
  const figures: Figure[] = [];
  const applied: Record<string, ApplyLoraResult> = {};
  let applyPeak = 0;
  for (const [key, { folder, unetWeights }] of Object.entries(FULL_MODELS)) {
    log(`applying a LoRA to the ${unetWeights} UNet and the text encoder`);
    const dir = join(workDir, `lora-${key}`);
    mkdirSync(dir, { recursive: true });
    const outcome = await runChild<ApplyLoraResult>('apply-lora', { modelDir: join(dataDir, 'models', folder), workDir: dir });
    applied[key] = outcome.result;
    applyPeak = Math.max(applyPeak, outcome.peakRssBytes);
    rmSync(dir, { recursive: true, force: true });
  }
  for (const [key, result] of Object.entries(applied)) {
    const { loraBytes, layers, unetMs, textEncoderMs, cpuMs, writtenBytes } = result;
    const label = key === 'default' ? DEFAULT_UNET_LABEL : 'float UNet';
    figures.push({
      id: key === 'default' ? 'lora.apply_time' : 'lora.apply_time_float', label: `Applying a LoRA (${label}, + text encoder)`,
      value: (unetMs + textEncoderMs) / 1000, unit: 's',
      target: { kind: 'max', limit: 30, text: '≤ 30 s before the next UNet step' },
      note: `rank 32, ${layers} layers, ${(loraBytes / 1e6).toFixed(0)} MB fp16: UNet ${seconds(unetMs)}, text encoder ${seconds(textEncoderMs)}; ` +
        `${seconds(cpuMs)} CPU; ${(writtenBytes / GB).toFixed(2)} GB written (the rest is linked from the base)`,
    });
  }
  figures.push({ id: 'lora.apply_cached', label: 'Applying the same LoRA again', value: applied.default.cachedMs / 1000, unit: 's', target: { kind: 'max', limit: 0.5, text: 'content-addressed: no work' } });
  figures.push({
    id: 'lora.apply_peak_rss', label: 'Applying a LoRA, peak memory', value: applyPeak / GB, unit: 'GB',
    note: 'VmHWM of a process that only applies it: one weight and its change at a time',
  });

  log('txt2img 512x512 (1 step) without a LoRA, then with it at two strengths, in one process');
  const run = await runChild<LoraTxt2imgResult>('lora-txt2img', { dataDir, model: FULL_MODELS.default.folder, side: 512 });
  const { loraBytes, plain, withLora } = run.result;
  const peak = Math.max(...withLora.map((r) => r.peakRssBytes));
  const limit = plain.peakRssBytes + loraBytes;
  figures.push({
    id: 'lora.txt2img_peak_rss', label: 'Peak memory, txt2img with LoRAs changed twice', value: peak / GB, unit: 'GB',
    target: { kind: 'max', limit: limit / GB, text: `≤ no-LoRA peak + the LoRA (${(limit / GB).toFixed(2)} GB)` },
    note: `${DEFAULT_UNET_LABEL}, 512x512, 1 step: ${(plain.peakRssBytes / GB).toFixed(2)} GB without a LoRA (${seconds(plain.wallMs)}), ` +
      withLora.map((r) => `${(r.peakRssBytes / GB).toFixed(2)} GB after strength ${r.strength} (${seconds(r.wallMs)})`).join(', '),
  });
  return figures;
}

/**
 * The data folder `--only lora` uses, made once and kept in .tmp/bench/full-size/ (building it
 * writes a 4.3 GB checkpoint and converts it twice, minutes on 2 cores): the models of FULL_MODELS.
 */
export async function cachedFullSizeData(root: string): Promise<string> {
  const checkpoint = join(root, 'sd15-random.ckpt');
  for (const { folder, unetWeights } of Object.values(FULL_MODELS)) {
    const outDir = join(root, 'models', folder);
    if (existingConversion(outDir)) continue;
    if (!existsSync(checkpoint)) {
      log(`writing a full-size random checkpoint into ${root}`);
      mkdirSync(root, { recursive: true });
      await runChild('write-checkpoint', { path: checkpoint });
    }
    log(`converting it (${unetWeights} UNet)`);
    await runChild('convert', { checkpoint, outDir, unetWeights });
  }
  rmSync(checkpoint, { force: true });
  return root;
}
