import { controlNetWithConditioningParts, unetInputMissing, unetInputTypeUnsupported } from './errors.ts';
import type { ModelSession, Tensor, TensorInfo } from '../../runtime/backends/index.ts';
import { cropPlanes, padPlanes, paddedSide } from './latent-padding.ts';
import type { GuidedDenoiser } from '../../models/schedulers/index.ts';
import { freeUFeeds } from './freeu-feeds.ts';
import { deepCacheFeeds } from './deep-cache-feeds.ts';
import type { UnetControl } from './control.ts';
import { conditioningFor, conditioningParts, createPartsDenoiser, hasParts, lcm, repeatedTo } from './conditioning-parts.ts';
import type { Conditioning, FreeUSettings } from './sd-types.ts';

export interface UnetDenoiserOptions {
  session: ModelSession;
  /** Latent shape [B, 4, h, w]; conditioning with batch 1 is repeated to B. */
  shape: readonly number[];
  positive: Conditioning;
  negative: Conditioning;
  /** Classifier-free guidance scale; 1 runs the positive prompt alone. */
  cfg: number;
  /** Run the negative prompt even at cfg 1, for samplers that need the unconditional estimate (CFG++). */
  unconditional?: boolean;
  sigmaToTimestep: (sigma: number) => number;
  /** Planes appended to the (scaled) latent of every image, [B, channels, h, w]: an inpainting UNet's mask and masked image. */
  concat?: { data: Float32Array; channels: number };
  freeU?: FreeUSettings;
  /**
   * DeepCache (nodes/lib/deep-cache-feeds.ts): 1 (default) runs the whole UNet on every call; N > 1 only every N-th
   * call of each prompt batch, the others reuse its deep feature. Calls where a ControlNet acts run in full.
   */
  deepCacheInterval?: number;
  /** ControlNets (nodes/lib/control.ts): a call where one acts runs `control.session` with their residuals. */
  control?: UnetControl;
  signal?: AbortSignal;
}

/**
 * One UNet run on `rows` scaled latents of h x w (with any concat planes: `sample` is [rows, inChannels, h, w]),
 * padded to the sides the graph needs and cropped back: eps [rows, 4, h, w].
 */
export type UnetCall = (
  sample: Float32Array, rows: number, h: number, w: number, context: Float32Array, contextDims: number[], sigma: number,
  residuals?: Record<string, Tensor>,
) => Promise<Float32Array>;

function findInput(session: ModelSession, name: string, types: readonly string[]): TensorInfo {
  const info = session.inputs.find((i) => i.name === name);
  if (!info) {
    throw unetInputMissing(session.modelPath, name, session.inputs.map((i) => i.name));
  }
  if (!types.includes(info.type)) {
    throw unetInputTypeUnsupported(session.modelPath, name, info.type, types);
  }
  return info;
}

/** The timestep tensor in the type and shape the UNet declares: [N] usually; a fixed [1] or a scalar in some exports. */
function timestepTensor(info: TensorInfo, timestep: number, rows: number): Tensor {
  const dims = info.dims.length === 0 ? [] : info.dims[0] === 1 ? [1] : [rows];
  const count = dims.length === 0 ? 1 : dims[0];
  if (info.type === 'int64') return { type: 'int64', data: new BigInt64Array(count).fill(BigInt(Math.round(timestep))), dims };
  return { type: 'float32', data: new Float32Array(count).fill(timestep), dims };
}

/** Per image, the `a` planes then the `b` planes. */
function appendPlanes(a: Float32Array, aPlanes: number, b: Float32Array, bPlanes: number, batch: number, plane: number): Float32Array {
  const out = new Float32Array(batch * (aPlanes + bPlanes) * plane);
  for (let n = 0; n < batch; n++) {
    const at = n * (aPlanes + bPlanes) * plane;
    out.set(a.subarray(n * aPlanes * plane, (n + 1) * aPlanes * plane), at);
    out.set(b.subarray(n * bPlanes * plane, (n + 1) * bPlanes * plane), at + aPlanes * plane);
  }
  return out;
}

/**
 * Wraps an eps-predicting SD UNet into a denoiser (the k-diffusion "external" model idea): scales
 * the input by c_in = 1 / sqrt(sigma^2 + 1), converts sigma to the UNet's timestep, runs the
 * positive and negative prompts as ONE batch [cond, uncond] (padded to the sides the UNet
 * needs, see latent-padding.ts), combines
 * eps = uncond + cfg * (cond - uncond), and returns x - sigma * eps together with the
 * unconditional x - sigma * eps_uncond (the same array as the guided one when only the positive
 * prompt runs).
 */
export function createUnetDenoiser(options: UnetDenoiserOptions): GuidedDenoiser {
  const { session, shape, cfg, signal, concat } = options;
  const [batch, channels, h, w] = shape;
  const inChannels = channels + (concat?.channels ?? 0);
  const size = shape.reduce((a, b) => a * b, 1);
  const guided = cfg !== 1 || options.unconditional === true;
  const rows = guided ? 2 * batch : batch;
  const timestepInfo = findInput(session, 'timestep', ['float32', 'int64']);
  findInput(session, 'sample', ['float32']);
  findInput(session, 'encoder_hidden_states', ['float32']);
  const freeU = freeUFeeds(session, options.freeU);
  const { control } = options;
  const controlFreeU = control && freeUFeeds(control.session, options.freeU);
  const deepCache = deepCacheFeeds(session, options.deepCacheInterval ?? 1);
  const outputName = session.outputs.find((o) => o.name === 'out_sample')?.name ?? session.outputs[0].name;
  const call: UnetCall = async (sample, n, ch, cw, context, contextDims, sigma, residuals) => {
    const [ph, pw] = [paddedSide(ch), paddedSide(cw)];
    const padded = ph !== ch || pw !== cw;
    const controlled = residuals !== undefined && control !== undefined;
    // The ControlNet's UNet computes no deep feature to keep: the next plain call starts the cache again.
    if (controlled) deepCache?.reset();
    const cache = controlled ? undefined : deepCache;
    const result = await (controlled ? control.session : session).run(
      {
        sample: { type: 'float32', data: padded ? padPlanes(sample, n * inChannels, ch, cw, ph, pw) : sample, dims: [n, inChannels, ph, pw] },
        timestep: timestepTensor(timestepInfo, options.sigmaToTimestep(sigma), n),
        encoder_hidden_states: { type: 'float32', data: context, dims: contextDims },
        ...(residuals ? { ...controlFreeU, ...residuals } : freeU),
        ...cache?.feeds(context, n),
      },
      { signal },
    );
    cache?.keep(context, result);
    const output = result[outputName].data as Float32Array;
    return padded ? cropPlanes(output, n * channels, ph, pw, ch, cw) : output;
  };
  const scale = (x: Float32Array, sigma: number) => {
    const cIn = 1 / Math.sqrt(sigma * sigma + 1);
    const scaled = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) scaled[i] = x[i] * cIn;
    return scaled;
  };
  const withConcat = (scaled: Float32Array) => (concat ? appendPlanes(scaled, channels, concat.data, concat.channels, batch, h * w) : scaled);
  const join = (x: Float32Array, sigma: number) => withConcat(scale(x, sigma));
  // Combined prompts, areas and strengths (ConditioningCombine, ConditioningSetArea) run part by part.
  if (hasParts(options.positive) || (guided && hasParts(options.negative))) {
    const controlled = [options.positive, options.negative].flatMap(conditioningParts).some((part) => part.control?.some((c) => c.strength !== 0));
    if (controlled) throw controlNetWithConditioningParts();
    return createPartsDenoiser({ ...options, guided, call, join, inChannels });
  }

  // Prompts of different chunk counts are repeated to a common length (ComfyUI's rule: the least common multiple).
  const sequence = guided ? lcm(options.positive.shape[1], options.negative.shape[1]) : options.positive.shape[1];
  const cond = conditioningFor(repeatedTo(options.positive, sequence), batch, 'positive');
  const context = guided ? new Float32Array(cond.length * 2) : cond;
  if (guided) {
    context.set(cond);
    context.set(conditioningFor(repeatedTo(options.negative, sequence), batch, 'negative'), cond.length);
  }
  const contextDims = [rows, sequence, options.positive.shape[2]];

  const [ph, pw] = [paddedSide(h), paddedSide(w)];
  return async (x, sigma) => {
    const scaled = scale(x, sigma);
    const input = withConcat(scaled);
    const sample = guided ? new Float32Array(input.length * 2) : input;
    if (guided) {
      sample.set(input);
      sample.set(input, input.length);
    }
    const residuals = control && await control.residuals(sigma, {
      latent: ph !== h || pw !== w ? padPlanes(scaled, batch * channels, h, w, ph, pw) : scaled, context, contextDims, timestep: options.sigmaToTimestep(sigma),
    });
    const eps = await call(sample, rows, h, w, context, contextDims, sigma, residuals);
    const denoised = new Float32Array(size);
    const unconditional = guided ? new Float32Array(size) : denoised;
    for (let i = 0; i < size; i++) {
      const e = guided ? eps[size + i] + cfg * (eps[i] - eps[size + i]) : eps[i];
      denoised[i] = x[i] - sigma * e;
      if (guided) unconditional[i] = x[i] - sigma * eps[size + i];
    }
    return { denoised, unconditional };
  };
}
