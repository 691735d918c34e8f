import type { ModelSession, Tensor } from '../../runtime/backends/index.ts';
import type { NodeContext } from '../../runtime/index.ts';
import { controlResidualInputs, type TokenMergeOptions, type UnetConfig } from '../../models/sd15/index.ts';
import { timestepToSigma, TRAINING_TIMESTEPS } from '../../models/schedulers/index.ts';
import { controlNetUnetMismatch, unetControlUnsupported } from './errors.ts';
import { imageToPlanes } from './image-planes.ts';
import { padPlanes } from './latent-padding.ts';
import { modelConfigOf, unetVariantPath } from './patched-network.ts';
import { scaleImage } from './scale.ts';
import type { Conditioning, ControlApplication, UnetHandle } from './sd-types.ts';

/**
 * The noise level where a fraction of sampling begins, as ComfyUI places start_percent/end_percent on SD 1.5's
 * discrete noise levels: 0 lies above every sigma, 1 at 0, and a fraction p between at the training noise level
 * of timestep (1 - p) * 999 (interpolated in log sigma).
 */
export function percentToSigma(percent: number): number {
  if (percent <= 0) return Infinity;
  if (percent >= 1) return 0;
  return timestepToSigma((1 - percent) * (TRAINING_TIMESTEPS - 1));
}

/** Whether a ControlNet application acts on the model call at noise level `sigma`. */
export const actsAt = (control: ControlApplication, sigma: number): boolean =>
  control.strength !== 0 && sigma <= percentToSigma(control.start) && sigma >= percentToSigma(control.end);

const applied = (conditioning: Conditioning) => (conditioning.control ?? []).filter((control) => control.strength !== 0);

/** ControlNets for the UNet denoiser: the control-capable UNet, and the residuals of one model call. */
export interface UnetControl {
  /** The UNet with the ControlNet inputs (and FreeU's when the UNet has FreeU set). */
  session: ModelSession;
  /**
   * The residual inputs for the call at `sigma`, summed over the ControlNets acting there, each times its
   * strength; rows without one get zeros. Undefined when none acts: the plain UNet runs that call.
   * `latent` is the scaled (and padded) latent [B, 4, ph, pw]; `context` the UNet's [rows, S, W] (positive rows,
   * then negative ones when rows is 2B).
   */
  residuals(sigma: number, step: { latent: Float32Array; context: Float32Array; contextDims: number[]; timestep: number }): Promise<Record<string, Tensor> | undefined>;
  /** Releases the sessions opened for ControlNet (they close once no other run holds them). */
  release(): Promise<void>;
}

export interface ControlOptions {
  unet: UnetHandle;
  positive: Conditioning;
  negative: Conditioning;
  /** The latent's shape [B, 4, h, w] and its padded sides for the UNet. */
  shape: readonly number[];
  padded: [number, number];
  /** ToMe in the controlled UNet too (see UNetStep's token_merge_ratio). */
  tokenMerge?: TokenMergeOptions;
}

/** The same residuals: the UNet's inputs depend only on these sizes. */
const sameResiduals = (a: UnetConfig, b: UnetConfig) =>
  a.contextDim === b.contextDim && JSON.stringify(controlResidualInputs(a)) === JSON.stringify(controlResidualInputs(b));

/**
 * Opens what the conditionings' ControlNets need (their sessions, the UNet variant with the residual inputs), or
 * gives undefined when no ControlNet has a strength other than 0: the plain UNet then runs every step, as without
 * ControlNet. As in ComfyUI, a ControlNet on the positive conditioning only (ControlNetApply) leaves the
 * negative prompt's rows without control; one on both (ControlNetApplyAdvanced) runs once over both.
 */
export async function prepareControl(ctx: NodeContext, options: ControlOptions): Promise<UnetControl | undefined> {
  const { unet } = options;
  const positive = applied(options.positive);
  const negative = applied(options.negative);
  if (positive.length === 0 && negative.length === 0) return undefined;
  const config = modelConfigOf(unet.path)?.unet;
  for (const [input, controls] of [['positive', positive], ['negative', negative]] as const) {
    const other = controls.find((control) => config && !sameResiduals(config, control.controlNet.config));
    if (other) throw controlNetUnetMismatch(other.controlNet.name, unet.model, input);
  }
  const opened: string[] = [];
  const release = () => Promise.all(opened.splice(0).map((path) => ctx.env.sessions.release(path))).then(() => undefined);
  // Counted once the pool counts it: an open that fails holds nothing to release.
  const open = async (path: string) => {
    const session = await ctx.env.sessions.open(path, { backend: unet.backend });
    opened.push(path);
    return session;
  };
  const variant = await unetVariantPath(unet, ctx.env.dataDir, { controlResiduals: true, freeU: unet.freeU !== undefined, tokenMerge: options.tokenMerge });
  const nets = new Map<string, ModelSession>();
  let session: ModelSession;
  const residualInputs = controlResidualInputs((positive[0] ?? negative[0]).controlNet.config);
  try {
    session = await open(variant);
    if (!session.inputs.some((input) => input.name === residualInputs[0].name)) throw unetControlUnsupported(session.modelPath);
    for (const control of [...positive, ...negative]) {
      const path = control.controlNet.path;
      if (!nets.has(path)) nets.set(path, await open(path));
    }
  } catch (error) {
    await release();
    throw error;
  }

  const [batch, , h, w] = options.shape;
  const [ph, pw] = options.padded;
  const hints = new Map<ControlApplication, Float32Array>();
  const hintOf = (control: ControlApplication) => {
    let hint = hints.get(control);
    if (!hint) hint = hintPlanes(control, batch, h, w, ph, pw);
    hints.set(control, hint);
    return hint;
  };

  return {
    session,
    release,
    async residuals(sigma, step) {
      const rows = step.contextDims[0];
      const guided = rows > batch;
      const acting = (controls: ControlApplication[]) => controls.filter((control) => actsAt(control, sigma));
      const onNegative = guided ? acting(negative) : [];
      // A ControlNet on both prompts runs once over all rows; the others over their own.
      const runs = acting(positive).map((control) => ({ control, first: 0, count: onNegative.includes(control) ? rows : batch }));
      for (const control of onNegative) if (!runs.some((run) => run.control === control)) runs.push({ control, first: batch, count: batch });
      if (runs.length === 0) return undefined;

      const sizes = residualInputs.map(({ channels, downsampled }) => ({ channels, h: ph / 2 ** downsampled, w: pw / 2 ** downsampled }));
      const sums = sizes.map((size) => new Float32Array(rows * size.channels * size.h * size.w));
      const [, sequence, width] = step.contextDims;
      for (const { control, first, count } of runs) {
        const repeats = count / batch;
        const outputs = await (nets.get(control.controlNet.path) as ModelSession).run(
          {
            sample: { type: 'float32', data: repeated(step.latent, repeats), dims: [count, 4, ph, pw] },
            timestep: { type: 'float32', data: new Float32Array(count).fill(step.timestep), dims: [count] },
            encoder_hidden_states: {
              type: 'float32', data: step.context.subarray(first * sequence * width, (first + count) * sequence * width), dims: [count, sequence, width],
            },
            hint: { type: 'float32', data: repeated(hintOf(control), repeats), dims: [count, 3, 8 * ph, 8 * pw] },
          },
          { signal: ctx.signal },
        );
        residualInputs.forEach(({ name }, i) => {
          const values = outputs[name].data as Float32Array;
          const sum = sums[i];
          const at = first * sizes[i].channels * sizes[i].h * sizes[i].w;
          for (let j = 0; j < values.length; j++) sum[at + j] += control.strength * values[j];
        });
      }
      return Object.fromEntries(residualInputs.map(({ name }, i) => [
        name, { type: 'float32', data: sums[i], dims: [rows, sizes[i].channels, sizes[i].h, sizes[i].w] } satisfies Tensor,
      ]));
    },
  };
}

/**
 * The control image as the ControlNet's `hint` [B, 3, 8 ph, 8 pw] in [0, 1]: scaled to the image size of the latent
 * (8h x 8w) by nearest-exact after a centre crop to its aspect ratio, as ComfyUI scales hints, images repeated over
 * the latent's batch, then padded like the latent (edges repeated).
 */
function hintPlanes(control: ControlApplication, batch: number, h: number, w: number, ph: number, pw: number): Float32Array {
  const { image } = control;
  const scaled = image.width === 8 * w && image.height === 8 * h ? image : scaleImage(image, 8 * w, 8 * h, 'nearest-exact', 'center');
  const planes = imageToPlanes(scaled).map((v) => v / 255);
  const size = 3 * 64 * ph * pw;
  const out = new Float32Array(batch * size);
  for (let b = 0; b < batch; b++) {
    const item = planes.subarray((b % image.batch) * 3 * 64 * h * w, ((b % image.batch) + 1) * 3 * 64 * h * w);
    out.set(ph === h && pw === w ? item : padPlanes(item, 3, 8 * h, 8 * w, 8 * ph, 8 * pw), b * size);
  }
  return out;
}

/** `data` `times` times over. */
function repeated(data: Float32Array, times: number): Float32Array {
  if (times === 1) return data;
  const out = new Float32Array(data.length * times);
  for (let t = 0; t < times; t++) out.set(data, t * data.length);
  return out;
}

/** The conditioning with one more ControlNet on it; strength 0 leaves it as it is (so it samples as before, byte for byte). */
export function withControl(conditioning: Conditioning, control: ControlApplication): Conditioning {
  if (control.strength === 0) return conditioning;
  return { ...conditioning, control: [...(conditioning.control ?? []), control] };
}
