import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runChild } from './child.ts';
import { cpuFeatures } from './cpu-features.ts';
import type { Figure } from './figures.ts';
import { median } from './timed-session.ts';
import type { StaticUnetArgs } from './tasks/static-unet.ts';
import type { UnetStepArgs, UnetStepResult } from './tasks/unet-step.ts';
import type { VaeDecodeResult } from './tasks/vae-decode.ts';
import { INT8_MIN_PSNR_DB } from './unet-variants.ts';

/** Issue 18's int8 target: the int8 UNet step at this multiple of the fp32 speed. */
const SPEEDUP_TARGET = 2;
const TIMED_STEPS = 2;
const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

interface StepRun { name: string; seconds: number; cpuSeconds: number; steps: number[]; maxRelativeError?: number }

async function step(name: string, args: UnetStepArgs): Promise<StepRun> {
  log(`UNet step: ${name}`);
  const { result } = await runChild<UnetStepResult>('unet-step', args);
  return { name, seconds: median(result.stepMs) / 1000, cpuSeconds: median(result.stepCpuMs ?? []) / 1000, steps: result.stepMs, maxRelativeError: result.maxRelativeError };
}

const seconds = (run: StepRun) => run.steps.map((ms) => (ms / 1000).toFixed(1)).join(', ');

/**
 * fp32, dynamic int8 (the `int8` conversion) and static int8 (`int8-static`, calibrated here as the conversion
 * calibrates) full-size UNets, one step at batch 2 on a 64x64 latent each, in the order fp32, int8, int8-static,
 * fp32 again, each in its own process; the outputs decoded by the full-size VAE and compared with the fp32 one.
 */
export async function int8Figures(workDir: string, calibration: Pick<StaticUnetArgs, 'steps'> = {}): Promise<Figure[]> {
  const dir = join(workDir, 'int8');
  log('writing the full-size fp32 and int8 UNets');
  const float = (await runChild<{ path: string }>('write-float-unet', { dir })).result.path;
  const dynamic = (await runChild<{ path: string }>('quantize-unet', { dir, quantization: 'int8' })).result.path;
  log('calibrating and writing the int8-static UNet');
  const calibrated = (await runChild<{ path: string; calibrationMs: number; calibrationCalls: number }>('static-unet', { dir, ...calibration })).result;
  const vae = (await runChild<{ path: string }>('write-vae-decoder', { path: join(dir, 'vae-decoder.onnx') })).result.path;

  const output = (name: string) => join(dir, `out-${name}.f32`);
  const reference = await step('fp32', { modelPath: float, session: {}, timedSteps: TIMED_STEPS, outputPath: output('fp32') });
  const variants = [
    await step('int8', { modelPath: dynamic, session: {}, timedSteps: TIMED_STEPS, outputPath: output('int8'), referencePath: output('fp32') }),
    await step('int8-static', { modelPath: calibrated.path, session: {}, timedSteps: TIMED_STEPS, outputPath: output('int8-static'), referencePath: output('fp32') }),
  ];
  const again = await step('fp32 again', { modelPath: float, session: {}, timedSteps: TIMED_STEPS });
  const baseline = (reference.seconds + again.seconds) / 2;
  const cpuBaseline = (reference.cpuSeconds + again.cpuSeconds) / 2;

  log('decoding the UNet outputs');
  const image = join(dir, 'image-fp32.f32');
  await runChild<VaeDecodeResult>('vae-decode', { modelPath: vae, latentPath: output('fp32'), imagePath: image });
  const cpu = cpuFeatures().join(', ');
  const figures: Figure[] = [];
  for (const variant of variants) {
    const decoded = await runChild<VaeDecodeResult>('vae-decode', { modelPath: vae, latentPath: output(variant.name), referenceImagePath: image });
    const isStatic = variant.name === 'int8-static';
    figures.push(
      {
        id: `int8.${variant.name}.speedup`, label: `UNet step, ${isStatic ? 'static (calibrated)' : 'dynamic'} int8 vs fp32, in CPU time`, value: cpuBaseline / variant.cpuSeconds, unit: 'x',
        target: isStatic ? { kind: 'min', limit: SPEEDUP_TARGET, text: `≥ ${SPEEDUP_TARGET.toFixed(1)}x fp32` } : undefined,
        note: `full size, batch 2, 64x64; CPU-seconds of the process per step (median ${variant.cpuSeconds.toFixed(1)} against the mean of fp32 before and after, ${cpuBaseline.toFixed(1)}), which a shared machine disturbs far less than wall time; in wall time ${(baseline / variant.seconds).toFixed(2)}x (${seconds(variant)} s against fp32 ${seconds(reference)} before and ${seconds(again)} after); each after a warm-up step in its own process; CPU: ${cpu}`,
      },
      {
        id: `int8.${variant.name}.psnr`, label: `UNet ${isStatic ? 'static' : 'dynamic'} int8 output decoded, vs fp32`, value: decoded.result.psnr ?? Infinity, unit: 'dB PSNR',
        target: isStatic ? { kind: 'min', limit: INT8_MIN_PSNR_DB, text: `≥ ${INT8_MIN_PSNR_DB} dB` } : undefined,
        note: `the UNet output (max relative error ${(variant.maxRelativeError ?? Number.NaN).toExponential(2)}) decoded by the full-size VAE at 512x512, against the fp32 UNet's output decoded`,
      },
    );
  }
  figures.push({
    id: 'int8.int8-static.calibration', label: 'int8-static calibration (in the conversion)', value: calibrated.calibrationMs / 1000, unit: 's',
    note: `${calibrated.calibrationCalls} UNet calls at batch 2 (prompts x euler steps, cfg 7) of the range-observing fp32 UNet, with writing it and the text encoder`,
  });
  rmSync(dir, { recursive: true, force: true });
  return figures;
}
