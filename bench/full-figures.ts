import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionOptions } from '../runtime/backends/index.ts';
import { runChild } from './child.ts';
import { upscaleFigures } from './upscale-figures.ts';
import { loraFigures } from './lora-figures.ts';
import { FULL_MODELS } from './full-models.ts';
import type { Figure, Unavailable } from './figures.ts';
import { measureComputePeak } from './compute-peak.ts';
import { measurePeer, peerFigures } from './peer-figures.ts';
import { peakFigures } from './peak-figures.ts';
import { txt2imgFigures } from './txt2img-figures.ts';
import { deepCacheFigures } from './deepcache-figures.ts';
import { tomeFigures } from './tome-figures.ts';
import { int8Figures } from './int8-figures.ts';
import { vaeFigures } from './vae-figures.ts';
import { unetVariantFigures, type UnetRun } from './unet-variants.ts';
import type { TextEncoderResult } from './tasks/text-encoder.ts';
import type { UnetStepArgs, UnetStepResult } from './tasks/unet-step.ts';
import type { VaeDecodeResult } from './tasks/vae-decode.ts';

const GB = 1e9;
const MODEL_NAME = FULL_MODELS.float.folder;
const VARIANT_STEPS = 2;
const TOKENIZER_DIR = fileURLToPath(new URL('../data/', import.meta.url));
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

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

  log(`converting it again with the ${FULL_MODELS.default.unetWeights} UNet (the CPU default), for the LoRA and txt2img figures`);
  await runChild('convert', { checkpoint, outDir: join(dataDir, 'models', FULL_MODELS.default.folder), unetWeights: FULL_MODELS.default.unetWeights });
  const peer = await measurePeer(workDir, checkpoint);
  rmSync(checkpoint);
  figures.push(...(await loraFigures(dataDir, workDir)));

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

  // The default conversion is the shipped one these run; the float one is the options-off run's.
  const txt2img = await txt2imgFigures(dataDir);
  figures.push(...txt2img.figures);
  if (!('reason' in peer)) figures.push(...peerFigures(peer, txt2img.shipped));
  figures.push(...(await deepCacheFigures(dataDir)));
  figures.push(...(await tomeFigures(dataDir, workDir)));
  rmSync(join(dataDir, 'models', FULL_MODELS.default.folder), { recursive: true, force: true });
  figures.push(...(await int8Figures(workDir)));

  const variants = await unetVariants(workDir, networks.unet, referencePath, unetRun);
  // The machine may be shared: fp32 again after the variants, so their speed is compared with both.
  const referenceAgain = await unetRun('float32', { modelPath: networks.unet, session: {}, timedSteps: 2 });
  // Measured again right before the VAE, which is set against it.
  log('attainable MatMul and conv rates, for the VAE');
  const vae = await vaeFigures(networks.vaeDecoder, workDir, await measureComputePeak(workDir), referencePath);
  figures.push(...vae.figures);
  const psnr: Record<string, number> = {};
  for (const variant of variants.filter((v) => v.outputPath)) {
    log(`VAE decode of the ${variant.name} output`);
    const compared = await runChild<VaeDecodeResult>('vae-decode', { modelPath: networks.vaeDecoder, latentPath: variant.outputPath, referenceImagePath: vae.imagePath });
    psnr[variant.name] = compared.result.psnr!;
  }

  log('upscale 512 -> 2048 (x4plus sizes, tiled)');
  figures.push(...(await upscaleFigures(join(workDir, 'upscale-data'))));

  const unet = unetVariantFigures({ reference, referenceAgain, variants, psnr, peak: peak.peak });
  return {
    figures: [...peak.figures, ...unet.figures.slice(0, 3), ...figures, ...unet.figures.slice(3)],
    unavailable: [...peak.unavailable, ...unet.unavailable, ...('reason' in peer ? [peer] : [])],
  };
}

type RunUnet = (name: string, args: UnetStepArgs) => Promise<UnetRun>;

/** The UNet variants that could win on CPU, each compared with the float32 reference output. */
async function unetVariants(workDir: string, unetPath: string, referencePath: string, runUnet: RunUnet): Promise<(UnetRun & { outputPath?: string })[]> {
  const runs: (UnetRun & { outputPath?: string })[] = [];
  const floatVariant = (name: string, session: SessionOptions) => runUnet(name, { modelPath: unetPath, session, timedSteps: VARIANT_STEPS, referencePath });
  runs.push(await floatVariant('threads-1', { intraOpThreads: 1 }));
  runs.push(await floatVariant('spinning', { spinning: true }));
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
