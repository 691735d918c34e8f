import type { GraphBuilder } from './graph.ts';
import { WEIGHT_INT8_MAX } from './quantize.ts';

/**
 * Static (calibrated) int8 quantisation: activations are quantised with scales fixed at conversion
 * time from ranges observed on real sampling runs, so the kernels skip the per-call min/max pass
 * that dynamic quantisation makes over every input.
 */

const MS = { domain: 'com.microsoft' };

/** Smallest and largest value an activation took over the calibration runs. */
export interface ActivationRange { min: number; max: number }

/** uint8 asymmetric parameters of an activation: x ~= (q - zeroPoint) * scale. */
export interface ActivationQuantization { scale: number; zeroPoint: number }

/** The uint8 grid over [min, max] widened to hold 0 (zero padding and ReLU-like zeros must be exact). */
export function activationQuantization({ min, max }: ActivationRange): ActivationQuantization {
  const low = Math.min(min, 0);
  const high = Math.max(max, 0);
  const scale = (high - low) / 255 || 1;
  return { scale, zeroPoint: Math.min(255, Math.max(0, Math.round(-low / scale))) };
}

/** Per-output-channel symmetric int8 weights: rows of `perChannel` values, w ~= values * scales[channel]. */
export interface ChannelQuantized { values: Int8Array; scales: Float32Array }

/** Quantises `data` as `channels` contiguous rows of equal length, each with its own scale. */
export function quantizeRows(data: Float32Array, channels: number): ChannelQuantized {
  const perChannel = data.length / channels;
  const scales = new Float32Array(channels);
  const values = new Int8Array(data.length);
  for (let c = 0; c < channels; c++) {
    const row = data.subarray(c * perChannel, (c + 1) * perChannel);
    const scale = row.reduce((m, v) => Math.max(m, Math.abs(v)), 0) / WEIGHT_INT8_MAX || 1;
    scales[c] = scale;
    for (let i = 0; i < perChannel; i++) values[c * perChannel + i] = Math.round(row[i] / scale);
  }
  return { values, scales };
}

/** The conv bias in the int32 accumulator's units: bias[c] / (inputScale * weightScale[c]). */
export function accumulatorBias(bias: Float32Array, inputScale: number, weightScales: Float32Array): Int32Array {
  return Int32Array.from(bias, (b, c) => Math.round(b / (inputScale * weightScales[c])));
}

/** Scale and zero point of an activation as graph constants. */
export interface QuantizationValues { scale: string; zeroPoint: string }

/** `x` quantised to uint8 with fixed parameters. */
export function quantizeLinear(g: GraphBuilder, x: string, q: QuantizationValues): string {
  return g.op('QuantizeLinear', [x, q.scale, q.zeroPoint]);
}

export function dequantizeLinear(g: GraphBuilder, x: string, q: QuantizationValues): string {
  return g.op('DequantizeLinear', [x, q.scale, q.zeroPoint]);
}

/** Initializer names of a statically quantised conv: int8 filters, per-channel scales [O], int32 bias [O]. */
export interface StaticConvWeights { weight: string; scales: string; zeroPoint: string; bias: string }

/** conv2d of an already quantised uint8 input into a uint8 output (QLinearConv), dequantised to float. */
export function staticQuantizedConv2d(
  g: GraphBuilder, xq: string, input: QuantizationValues, w: StaticConvWeights, output: QuantizationValues,
  options: { kernel: number; stride?: number },
): string {
  const half = Math.floor(options.kernel / 2);
  const y = g.op('QLinearConv', [xq, input.scale, input.zeroPoint, w.weight, w.scales, w.zeroPoint, output.scale, output.zeroPoint, w.bias], {
    kernel_shape: [options.kernel, options.kernel], strides: [options.stride ?? 1, options.stride ?? 1], pads: [half, half, half, half],
  });
  return dequantizeLinear(g, y, output);
}

/** xq @ weight (+ bias) for an already quantised uint8 input and int8 [in, out] weights with per-column scales, in float. */
export function staticQuantizedLinear(
  g: GraphBuilder, xq: string, input: QuantizationValues, weight: string, scales: string, bias?: string,
): string {
  const inputs = [xq, weight, input.scale, scales, input.zeroPoint];
  return g.op('MatMulIntegerToFloat', bias ? [...inputs, '', bias] : inputs, {}, MS);
}

/** [min, max] of `x` over all its elements, as a [2] float tensor (what a calibration graph outputs per observed activation). */
export function observeRange(g: GraphBuilder, x: string): string {
  const one = g.constant('int64', [1]);
  const min = g.op('Reshape', [g.op('ReduceMin', [x], { keepdims: 0 }), one]);
  const max = g.op('Reshape', [g.op('ReduceMax', [x], { keepdims: 0 }), one]);
  return g.op('Concat', [min, max], { axis: 0 });
}
