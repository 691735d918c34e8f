import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionOptions } from '../runtime/backends/index.ts';
import { runChild } from './child.ts';
import { upscaleFigures } from './upscale-figures.ts';
import { LORA_MODELS, loraFigures } from './lora-figures.ts';
import type { Figure, Unavailable } from './figures.ts';
import { peakFigures } from './peak-figures.ts';
import { unetVariantFigures, type UnetRun } from './unet-variants.ts';
import type { TextEncoderResult } from './tasks/text-encoder.ts';
import type { Txt2imgResult } from './tasks/txt2img.ts';
import type { UnetStepArgs, UnetStepResult } from './tasks/unet-step.ts';
import type { VaeDecodeResult } from './tasks/vae-decode.ts';
import type { VaeDecodeTiledResult } from './tasks/vae-decode-tiled.ts';

const GB = 1e9;
const MODEL_NAME = LORA_MODELS.float;
const VARIANT_STEPS = 2;
const TOKENIZER_DIR = fileURLToPath(new URL('../data/', import.meta.url));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

const bytesUnder = (path: string): number =>
  statSync(path).isDirectory() ? readdirSync(path).reduce((n, name) => n + bytesUnder(join(path, name)), 0) : statSync(path).size;

async function unetRun(name: string, args: UnetStepArgs): Promise<UnetRun> {
  log(`UNet step: ${name}`);
  const outcome = await runChild<UnetStepResult>('unet-step', args);
  return { name, ...outcome.result, peakRssBytes: outcome.peakRssBytes };
}

/**
 * Every full-size figure. A random full-size checkpoint is written and converted here (timed), and
 * the converted folder serves the rest; all of it lives under `workDir` and goes with it.
 */
export async function fullFigures(workDir: string): Promise<{ figures: Figure[]; unavailable: Unavailable[] }> {
  const figures: Figure[] = [];
  const dataDir = join(workDir, 'data');
  const modelDir = join(dataDir, 'models', MODEL_NAME);
  mkdirSync(join(dataDir, 'models'), { recursive: true });

  log('writing a full-size random checkpoint');
  const checkpoint = join(workDir, 'sd15-random.ckpt');
  const written = await runChild<{ bytes: number }>('write-checkpoint', { path: checkpoint });
  log('converting it');
  const converted = await runChild<{ convertMs: number }>('convert', { checkpoint, outDir: modelDir });
  const fileBytes = written.result.bytes;
  figures.push({ id: 'convert.time', label: 'Conversion of a full-size .ckpt', value: converted.result.convertMs / 1000, unit: 's', note: `${(fileBytes / GB).toFixed(2)} GB fp32 checkpoint (1,066 M params) to 4 ONNX networks` });
  figures.push({
    id: 'convert.peak_rss', label: 'Conversion peak memory', value: converted.peakRssBytes / GB, unit: 'GB',
    target: { kind: 'max', limit: (2 * fileBytes) / GB, text: `< 2x the file (${((2 * fileBytes) / GB).toFixed(1)} GB)` },
    note: `${(converted.peakRssBytes / fileBytes).toFixed(2)}x the file size; VmHWM of the converting process`,
  });

  log('converting it again with the int8 UNet (the CPU default), for the LoRA figures');
  await runChild('convert', { checkpoint, outDir: join(dataDir, 'models', LORA_MODELS.int8), unetWeights: 'int8' });
  rmSync(checkpoint);
  figures.push(...(await loraFigures(dataDir, workDir)));
  rmSync(join(dataDir, 'models', LORA_MODELS.int8), { recursive: true, force: true });

  const networks = {
    textEncoder: join(modelDir, 'text_encoder', 'model.onnx'),
    unet: join(modelDir, 'unet', 'model.onnx'),
    vaeDecoder: join(modelDir, 'vae_decoder', 'model.onnx'),
  };
  const referencePath = join(workDir, 'unet-float32.f32');
  // Measured right before the UNet, so that both see the same machine (it may be shared).
  log('attainable MatMul and conv rates');
  const peak = await peakFigures(workDir);
  const reference = await unetRun('float32', { modelPath: networks.unet, session: {}, timedSteps: 2, outputPath: referencePath });

  log('text encoder');
  const text = await runChild<TextEncoderResult>('text-encoder', { modelPath: networks.textEncoder, tokenizerDir: TOKENIZER_DIR });
  figures.push({ id: 'text_encoder.time', label: 'Text encoder, batch 2', value: text.result.runMs / 1000, unit: 's', target: { kind: 'max', limit: 0.5, text: '≤ 0.5 s (PyTorch)' }, note: 'median of 3 after a warm-up' });
  figures.push({ id: 'text_encoder.peak_rss', label: 'Text encoder peak memory', value: text.peakRssBytes / GB, unit: 'GB', note: 'VmHWM of a process that only loads and runs it' });

  log('full-size txt2img (512x512, 2 steps)');
  const run = await runChild<Txt2imgResult>('txt2img', { dataDir, model: MODEL_NAME, steps: 2 });
  const { wallMs, openMs, inferenceMs } = run.result;
  figures.push({
    id: 'overhead.txt2img_full', label: 'Runtime overhead, full-size txt2img 512x512', value: (100 * (wallMs - openMs - inferenceMs)) / inferenceMs, unit: '% of ORT time',
    target: { kind: 'max', limit: 1, text: '< 1%' },
    note: `2 steps: ${(wallMs / 1000).toFixed(1)} s end to end, of which loading the networks ${(openMs / 1000).toFixed(1)} s (not counted) and ORT run() ${(inferenceMs / 1000).toFixed(1)} s`,
  });
  const weightsHeld = bytesUnder(join(modelDir, 'text_encoder')) + bytesUnder(join(modelDir, 'unet')) + bytesUnder(join(modelDir, 'vae_decoder'));
  figures.push({
    id: 'txt2img.peak_rss', label: 'Peak memory, full txt2img 512x512', value: run.peakRssBytes / GB, unit: 'GB',
    target: { kind: 'max', limit: (1.3 * weightsHeld) / GB, text: `≤ 1.3x weights (${((1.3 * weightsHeld) / GB).toFixed(2)} GB)` },
    note: `${(run.peakRssBytes / weightsHeld).toFixed(2)}x the ${(weightsHeld / GB).toFixed(2)} GB of fp32 weights held; PyTorch 6.4 GB`,
  });

  const variants = await unetVariants(workDir, networks.unet, referencePath, unetRun);
  // The machine may be shared: fp32 again after the variants, so their speed is compared with both.
  const referenceAgain = await unetRun('float32', { modelPath: networks.unet, session: {}, timedSteps: 2 });
  log('VAE decode 512x512');
  const referenceImage = join(workDir, 'image-float32.f32');
  const decoded = await runChild<VaeDecodeResult>('vae-decode', { modelPath: networks.vaeDecoder, latentPath: referencePath, imagePath: referenceImage });
  const psnr: Record<string, number> = {};
  for (const variant of variants.filter((v) => v.outputPath)) {
    log(`VAE decode of the ${variant.name} output`);
    const compared = await runChild<VaeDecodeResult>('vae-decode', { modelPath: networks.vaeDecoder, latentPath: variant.outputPath, referenceImagePath: referenceImage });
    psnr[variant.name] = compared.result.psnr!;
  }
  figures.push({ id: 'vae_decode.time', label: 'VAE decode 512x512', value: decoded.result.decodeMs / 1000, unit: 's', target: { kind: 'max', limit: 19.1, text: '≤ 19.1 s (PyTorch)' }, note: 'first decode after loading' });
  figures.push({ id: 'vae_decode.peak_rss', label: 'VAE decode peak memory', value: decoded.peakRssBytes / GB, unit: 'GB', note: 'VmHWM of a process that only loads and runs it' });

  log('VAE decode 1024x1024 in 512px tiles');
  const tiled = await runChild<VaeDecodeTiledResult>('vae-decode-tiled', { modelPath: networks.vaeDecoder, side: 1024, tile: 512, overlap: 64 });
  figures.push({
    id: 'vae_decode_tiled.time', label: 'VAE decode 1024x1024, tiled', value: tiled.result.decodeMs / 1000, unit: 's',
    note: `${tiled.result.tiles} tiles of 512 px overlapping by 64 (VAEDecodeTiled's defaults), first decode after loading`,
  });
  figures.push({
    id: 'vae_decode_tiled.peak_rss', label: 'VAE decode 1024x1024 tiled, peak memory', value: tiled.peakRssBytes / GB, unit: 'GB',
    note: `VmHWM of a process that only loads and runs it; the 512x512 decode in one piece: ${(decoded.peakRssBytes / GB).toFixed(2)} GB`,
  });

  log('upscale 512 -> 2048 (x4plus sizes, tiled)');
  figures.push(...(await upscaleFigures(join(workDir, 'upscale-data'))));

  const unet = unetVariantFigures({ reference, referenceAgain, variants, psnr, peak: peak.peak });
  return {
    figures: [...peak.figures, ...unet.figures.slice(0, 3), ...figures, ...unet.figures.slice(3)],
    unavailable: [...peak.unavailable, ...unet.unavailable],
  };
}

type RunUnet = (name: string, args: UnetStepArgs) => Promise<UnetRun>;

/** The UNet variants that could win on CPU, each compared with the float32 reference output. */
async function unetVariants(workDir: string, unetPath: string, referencePath: string, runUnet: RunUnet): Promise<(UnetRun & { outputPath?: string })[]> {
  const runs: (UnetRun & { outputPath?: string })[] = [];
  const floatVariant = (name: string, session: SessionOptions) => runUnet(name, { modelPath: unetPath, session, timedSteps: VARIANT_STEPS, referencePath });
  runs.push(await floatVariant('threads-1', { intraOpThreads: 1 }));
  runs.push(await floatVariant('optimization-basic', { graphOptimizationLevel: 'basic' }));
  runs.push(await floatVariant('optimization-extended', { graphOptimizationLevel: 'extended' }));
  for (const quantization of ['int8-matmul', 'int8'] as const) {
    log(`building the ${quantization} UNet`);
    const built = await runChild<{ path: string }>('quantize-unet', { dir: workDir, quantization });
    const outputPath = join(workDir, `unet-${quantization}.f32`);
    runs.push({ ...(await runUnet(quantization, { modelPath: built.result.path, session: {}, timedSteps: VARIANT_STEPS, referencePath, outputPath })), outputPath });
    rmSync(built.result.path, { force: true });
    rmSync(`${built.result.path}.data`, { force: true });
  }
  return runs;
}
