import type { GraphBuilder } from '../onnx/graph.ts';
import {
  accumulatorBias, activationQuantization, observeRange, quantizeLinear, quantizeRows,
  staticQuantizedConv2d, staticQuantizedLinear,
} from '../onnx/qdq.ts';
import { quantizeColumns } from '../onnx/quantize.ts';
import type { ActivationQuantization, ActivationRange, ChannelQuantized, QuantizationValues } from '../onnx/qdq.ts';
import { transpose } from './transpose.ts';

/** Calibrated ranges of the UNet's quantised layers by checkpoint key (without `.weight`): input, and output for convs. */
export type ActivationRanges = Record<string, { input: ActivationRange; output?: ActivationRange }>;

/**
 * The uint8 parameters of a quantised layer's input or output, by checkpoint key (without `.weight`): made from
 * the calibrated ranges at conversion (calibratedScales), read back from the stored model when it is patched.
 */
export type ActivationScales = (key: string, side: 'input' | 'output') => ActivationQuantization;

export function calibratedScales(ranges: ActivationRanges): ActivationScales {
  return (key, side) => {
    const range = ranges[key]?.[side];
    if (!range) throw new Error(`no calibrated ${side} range for UNet layer ${key}`);
    return activationQuantization(range);
  };
}

/**
 * The kinds of layer static int8 can quantise; each can be kept in float on its own. `conv`: the ResBlock
 * convolutions, whose input is a GroupNorm + SiLU output; `stream-conv`: the skip, downsampling and upsampling
 * convolutions, which read the residual stream itself (wide, heavy-tailed ranges).
 */
export const STATIC_LAYER_GROUPS = ['conv', 'stream-conv', 'projection', 'attention', 'feedforward'] as const;
export type StaticLayerGroup = (typeof STATIC_LAYER_GROUPS)[number];

/**
 * Kept in float unless asked otherwise: with per-tensor activation scales, the residual stream's outliers
 * (up to 10x its bulk on the tiny model's sampling runs) left the rest a coarse grid, 23% error alone.
 */
export const DEFAULT_FLOAT_GROUPS: readonly StaticLayerGroup[] = ['stream-conv'];

/** The group of a UNet layer key. */
export function layerGroup(key: string): StaticLayerGroup {
  if (/\.(to_q|to_k|to_v|to_out\.0)$/.test(key)) return 'attention';
  if (/\.(proj_in|proj_out)$/.test(key)) return 'projection';
  if (/\.ff\.net\./.test(key)) return 'feedforward';
  if (/\.(in_layers\.2|out_layers\.3)$/.test(key)) return 'conv';
  return 'stream-conv';
}

/** Output name under which a calibration graph reports the [min, max] of a layer's input or output. */
export const rangeOutputName = (key: string, side: 'input' | 'output') => `range:${key}:${side}`;

export interface WeightAccess {
  load(key: string): Float32Array;
  shape(key: string): number[];
}

/**
 * The int8 layers of a statically quantised UNet: QuantizeLinear with the calibrated parameters,
 * then QLinearConv (dequantised after it) or MatMulIntegerToFloat. An input shared by several
 * layers (attention's K and V, GEGLU's two halves) is quantised once.
 */
export function staticInt8Layers(g: GraphBuilder, weights: WeightAccess, scales: ActivationScales | undefined) {
  const quantizedInputs = new Map<string, { xq: string; q: QuantizationValues; owner: string }>();
  // Scales are asked for only when the values are written: a graph whose initializers are all taken from a
  // stored model (a ControlNet or FreeU variant) builds without them.
  const scaleOf = (key: string, side: 'input' | 'output') => () => {
    if (!scales) throw new Error(`no activation scales for UNet layer ${key}`);
    return scales(key, side);
  };
  // Named after the layer's weight, so that they count as made from it (see CheckpointWeights' names).
  const parameters = (key: string, side: 'input' | 'output'): QuantizationValues => ({
    scale: g.initializer(`${key}.weight:${side}_scale`, 'float32', [], () => Float32Array.of(scaleOf(key, side)().scale)),
    zeroPoint: g.initializer(`${key}.weight:${side}_zero_point`, 'uint8', [], () => Uint8Array.of(scaleOf(key, side)().zeroPoint)),
  });
  const quantizedInput = (x: string, key: string) => {
    let quantized = quantizedInputs.get(x);
    if (!quantized) {
      const q = parameters(key, 'input');
      quantized = { xq: quantizeLinear(g, x, q), q, owner: key };
      quantizedInputs.set(x, quantized);
    }
    return quantized;
  };
  let cached: { name: string; result: ChannelQuantized } | undefined;
  const once = (name: string, compute: () => ChannelQuantized) => {
    if (cached?.name !== name) cached = { name, result: compute() };
    return cached.result;
  };

  const conv = (x: string, key: string, kernel: number, stride = 1): string => {
    const { xq, q, owner } = quantizedInput(x, key);
    const shape = weights.shape(`${key}.weight`);
    const filters = () => once(`${key}.weight`, () => quantizeRows(weights.load(`${key}.weight`), shape[0]));
    const w = {
      weight: g.initializer(`${key}.weight:int8`, 'int8', shape, () => filters().values),
      scales: g.initializer(`${key}.weight:scales`, 'float32', [shape[0]], () => filters().scales),
      zeroPoint: g.initializer(`${key}.weight:zero_point`, 'int8', [], () => Int8Array.of(0)),
      bias: g.initializer(`${key}.bias:int32`, 'int32', [shape[0]], () => accumulatorBias(weights.load(`${key}.bias`), scaleOf(owner, 'input')().scale, filters().scales)),
    };
    return staticQuantizedConv2d(g, xq, q, w, parameters(key, 'output'), { kernel, stride });
  };

  /** Output rows [start, end) of the linear layer `key` (all of them by default) applied to x. */
  const dense = (x: string, key: string, bias?: string, rows?: [number, number]): string => {
    const { xq, q } = quantizedInput(x, key);
    const [out, ...rest] = weights.shape(`${key}.weight`);
    const inputs = rest.reduce((n, d) => n * d, 1);
    const [start, end] = rows ?? [0, out];
    const name = `${key}.weight[${start}:${end}]`;
    const matrix = () => once(name, () => {
      const slice = weights.load(`${key}.weight`).subarray(start * inputs, end * inputs);
      return quantizeColumns(transpose(slice, end - start, inputs), inputs, end - start);
    });
    const weight = g.initializer(`${name}:int8`, 'int8', [inputs, end - start], () => matrix().values);
    const scales = g.initializer(`${name}:scales`, 'float32', [end - start], () => matrix().scales);
    return staticQuantizedLinear(g, xq, q, weight, scales, bias);
  };

  return { conv, dense };
}

/** Adds a graph output with the [min, max] of `x` for each layer static int8 would quantise (a calibration graph). */
export function rangeObserver(g: GraphBuilder) {
  const observed = new Set<string>();
  return (x: string, key: string, side: 'input' | 'output'): void => {
    const name = rangeOutputName(key, side);
    if (observed.has(name)) return;
    observed.add(name);
    g.output(observeRange(g, x), name, 'float32', [2]);
  };
}
