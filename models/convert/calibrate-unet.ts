import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { writeOnnxModel } from '../onnx/index.ts';
import { buildTextEncoder, buildUnet, type SD15Config, type WeightSource } from '../sd15/index.ts';
import type { ActivationRanges } from '../sd15/static-int8.ts';
import { buildSchedule, createNoise, createStepNoise, sample, sigmaToTimestep } from '../schedulers/index.ts';
import { ClipTokenizer } from '../tokenizer/index.ts';
import type { CalibrationProgress } from './progress.ts';

/**
 * What the activation ranges of a static int8 UNet are calibrated on: real sampling runs with
 * classifier-free guidance, fixed so that a conversion is reproducible.
 */
export interface CalibrationPlan {
  prompts: readonly string[];
  /** One sampling run per prompt, seeded with seed + its index. */
  seed: number;
  sampler: string;
  schedule: string;
  steps: number;
  cfg: number;
  /** Latent side (64: a 512x512 image). */
  latentSide: number;
}

export const DEFAULT_CALIBRATION: CalibrationPlan = {
  prompts: [
    'a photograph of an astronaut riding a horse, detailed, sharp focus',
    'a watercolor painting of a quiet harbour town at sunset',
  ],
  seed: 1,
  sampler: 'euler',
  schedule: 'normal',
  steps: 8,
  cfg: 7,
  latentSide: 64,
};

/** Per layer, the [min, max] of each call, in calling order. */
type Observations = Map<string, { input: number[][]; output: number[][] }>;

/** Outputs of the calibration graph: range:<layer key>:input|output (see static-int8.ts). */
const RANGE_OUTPUT = /^range:(.*):(input|output)$/;

function record(observations: Observations, outputs: ort.InferenceSession.OnnxValueMapType): void {
  for (const [name, tensor] of Object.entries(outputs)) {
    const match = RANGE_OUTPUT.exec(name);
    if (!match) continue;
    let layer = observations.get(match[1]);
    if (!layer) observations.set(match[1], (layer = { input: [], output: [] }));
    layer[match[2] as 'input' | 'output'].push(Array.from(tensor.data as Float32Array));
  }
}

/**
 * The widest range over all calls: nothing seen in calibration is clipped. (The mean of the calls' extremes,
 * which clips rare outliers, was no better on the tiny model once the residual-stream convs stay float.)
 */
function widestRanges(observations: Observations): ActivationRanges {
  const widest = (calls: number[][]) => ({ min: Math.min(...calls.map((c) => c[0])), max: Math.max(...calls.map((c) => c[1])) });
  const ranges: ActivationRanges = {};
  for (const [key, { input, output }] of observations) ranges[key] = { input: widest(input), output: output.length ? widest(output) : undefined };
  return ranges;
}

async function encodePrompts(config: SD15Config, weights: WeightSource, dir: string, prompts: string[], tokenizerDir: string): Promise<Float32Array[]> {
  const path = join(dir, 'text_encoder.onnx');
  writeOnnxModel(buildTextEncoder(config.text, weights), path);
  const tokenizer = await ClipTokenizer.load(tokenizerDir);
  const session = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'all' });
  try {
    const encoded: Float32Array[] = [];
    for (const prompt of prompts) {
      const { ids } = tokenizer.encodeForModel(prompt);
      const outputs = await session.run({ input_ids: new ort.Tensor('int32', ids, [1, ids.length]) });
      encoded.push(outputs.last_hidden_state.data as Float32Array);
    }
    return encoded;
  } finally {
    await session.release();
  }
}

/**
 * The denoiser below is the eps -> x0 adapter of nodes/lib/unet-denoiser.ts reduced to what calibration needs
 * (one prompt and its negative as one batch, no padding, ControlNet or FreeU).
 *
 * Runs the float UNet with range outputs over the plan's sampling runs and returns every quantised layer's
 * activation ranges. Works in `workDir` (a calibration text encoder and UNet are written there and removed).
 */
export async function calibrateUnet(
  config: SD15Config, weights: WeightSource, workDir: string, tokenizerDir: string, plan: CalibrationPlan = DEFAULT_CALIBRATION,
  onProgress?: (progress: CalibrationProgress) => void,
): Promise<ActivationRanges> {
  const dir = join(workDir, 'calibration');
  mkdirSync(dir, { recursive: true });
  // Euler-type plans: one UNet call a step.
  const callsTotal = plan.prompts.length * plan.steps;
  let callsDone = 0;
  const report = () => onProgress?.({ phase: 'calibrating', callsDone, callsTotal });
  report();
  try {
    const [negative, ...positives] = await encodePrompts(config, weights, dir, ['', ...plan.prompts], tokenizerDir);
    const unetPath = join(dir, 'unet.onnx');
    writeOnnxModel(buildUnet(config.unet, weights, { observeRanges: true }), unetPath, { externalData: true });
    // Without the memory pattern: its block, planned by the first run, comes on top of the arena that run filled
    // (about 1.9 GB more at full size, for no speed).
    const session = await ort.InferenceSession.create(unetPath, { graphOptimizationLevel: 'all', enableMemPattern: false });
    try {
      const observations: Observations = new Map();
      const side = plan.latentSide;
      const latent = 4 * side * side;
      const { sigmas } = buildSchedule({ sampler: plan.sampler, schedule: plan.schedule, steps: plan.steps });
      for (const [index, positive] of positives.entries()) {
        const context = new Float32Array([...positive, ...negative]);
        const denoiser = async (x: Float32Array, sigma: number) => {
          const scaled = x.map((v) => v / Math.sqrt(sigma * sigma + 1));
          // An inpainting UNet's extra planes as for txt2img: the mask all set, the masked image's latent zero.
          const image = new Float32Array(config.unet.inChannels * side * side);
          image.set(scaled);
          if (config.unet.inChannels > 4) image.fill(1, latent, latent + side * side);
          const outputs = await session.run({
            sample: new ort.Tensor('float32', new Float32Array([...image, ...image]), [2, config.unet.inChannels, side, side]),
            timestep: new ort.Tensor('float32', new Float32Array(2).fill(sigmaToTimestep(sigma)), [2]),
            encoder_hidden_states: new ort.Tensor('float32', context, [2, context.length / (2 * config.unet.contextDim), config.unet.contextDim]),
          });
          record(observations, outputs);
          callsDone++;
          report();
          const eps = outputs.out_sample.data as Float32Array;
          return x.map((v, i) => v - sigma * (eps[latent + i] + plan.cfg * (eps[i] - eps[latent + i])));
        };
        const seed = plan.seed + index;
        const x = createNoise(seed).normal(latent).map((v) => v * sigmas[0]);
        await sample({ sampler: plan.sampler, denoiser, x, sigmas, noise: createStepNoise(seed, latent) });
      }
      return widestRanges(observations);
    } finally {
      await session.release();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
