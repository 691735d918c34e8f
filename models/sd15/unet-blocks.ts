import type { GraphBuilder } from '../onnx/graph.ts';
import { groupNormFromInstances, nearestUpsampleConv3x3 } from '../onnx/decoder-ops.ts';
import {
  add, attention, conv2d, fromTokens, gelu, groupNorm, layerNorm, linear, mul, quantizedConv2d, quantizedLinear,
  silu, toTokens, unsqueeze, upsampleNearest2x,
} from '../onnx/ops.ts';
import type { UnetConfig } from './config.ts';
import type { UnetLayer } from './unet-layout.ts';
import { timestepEmbedding } from './timestep-embedding.ts';
import { mergesAtLevel, throughMerged, tokenMatching, type TokenMergeOptions } from './token-merge.ts';
import type { CheckpointWeights } from './weights.ts';
import { DEFAULT_FLOAT_GROUPS, layerGroup, rangeObserver, staticInt8Layers } from './static-int8.ts';
import type { ActivationScales, StaticLayerGroup } from './static-int8.ts';

export const RES_EPSILON = 1e-5;
const TRANSFORMER_NORM_EPSILON = 1e-6;
const LAYER_NORM_EPSILON = 1e-5;

export interface UnetOptions {
  /**
   * 'int8-matmul': int8 weights for every linear layer (ORT's DynamicQuantizeMatMul);
   * 'int8': also for the convolutions (ConvInteger) except conv_in and the output conv.
   * Activations are quantised per call. 'int8-static': the same layers with activations quantised
   * at `activationScales` (QLinearConv, MatMulIntegerToFloat). Default 'none' (float32).
   */
  quantization?: 'none' | 'int8-matmul' | 'int8' | 'int8-static';
  /** For 'int8-static': the activation scales, from the ranges a calibration graph (`observeRanges`) measured (calibratedScales). */
  activationScales?: ActivationScales;
  /** For 'int8-static': layer groups kept in float; default DEFAULT_FLOAT_GROUPS. */
  floatGroups?: readonly StaticLayerGroup[];
  /** A float graph that also outputs the [min, max] of every input (and conv output) 'int8-static' quantises. */
  observeRanges?: boolean;
  /**
   * 'lean' (default): each nearest-2x upsampling and its 3x3 conv as four 2x2 convs at the low resolution
   * (nearestUpsampleConv3x3: 4/9 of the multiply-adds; the phase filters are stored), and GroupNorm as
   * groupNormFromInstances. 'plain': Resize then the stored 3x3 conv, and GroupNormalization-21: the graph
   * of models converted before the lean forms, which their rebuilt variants keep (same stored weights,
   * same outputs). The two agree within 2e-6 relative on the full-size UNet.
   */
  forms?: 'lean' | 'plain';
  /** Token merging before self-attention (token-merge.ts); a ratio of 0 builds the plain graph. */
  tokenMerge?: TokenMergeOptions;
}

/** The layers of the SD 1.5 UNet over the tensors under `prefix`, shared by the UNet and the ControlNet (its encoder copy). */
export interface UnetBlocks {
  floatConv(x: string, k: string, kernel: number, stride?: number): string;
  norm(x: string, k: string, epsilon: number): string;
  /** A layer of unetLayout applied to `x`. */
  apply(x: string, layer: UnetLayer): string;
}

export function unetBlocks(
  g: GraphBuilder, w: CheckpointWeights, config: UnetConfig, prefix: string,
  inputs: { timestep: string; context: string }, options: UnetOptions = {},
): UnetBlocks {
  const quantizeLinear = options.quantization === 'int8' || options.quantization === 'int8-matmul';
  const quantizeConv = options.quantization === 'int8';
  const key = (k: string) => prefix + k;
  const context = inputs.context;
  const observe = options.observeRanges ? rangeObserver(g) : undefined;
  const staticLayers = options.quantization === 'int8-static' ? staticInt8Layers(g, w, options.activationScales) : undefined;
  const floatGroups = options.floatGroups ?? DEFAULT_FLOAT_GROUPS;
  const isStatic = (k: string) => staticLayers !== undefined && !floatGroups.includes(layerGroup(k));

  const floatConv = (x: string, k: string, kernel: number, stride = 1) =>
    conv2d(g, x, w.tensor(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)), { kernel, stride });
  const conv = (x: string, k: string, kernel: number, stride = 1) => {
    if (staticLayers && isStatic(key(k))) return staticLayers.conv(x, key(k), kernel, stride);
    if (quantizeConv) return quantizedConv2d(g, x, w.quantizedConv(key(k)), { kernel, stride });
    const y = floatConv(x, k, kernel, stride);
    observe?.(x, key(k), 'input');
    observe?.(y, key(k), 'output');
    return y;
  };
  // The time embedding path stays float: it is tiny ([B, 1280]) and steers every block.
  const floatDense = (x: string, k: string) => linear(g, x, w.matrix(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)));
  const dense = (x: string, k: string, bias = true) => {
    const b = bias ? w.tensor(key(`${k}.bias`)) : undefined;
    if (staticLayers && isStatic(key(k))) return staticLayers.dense(x, key(k), b);
    observe?.(x, key(k), 'input');
    if (!quantizeLinear) return linear(g, x, w.matrix(key(`${k}.weight`)), b);
    const { weight, scales } = w.quantizedMatrix(key(`${k}.weight`));
    return quantizedLinear(g, x, weight, scales, b);
  };
  const lean = (options.forms ?? 'lean') === 'lean';
  const norm = (x: string, k: string, epsilon: number) => {
    const [scale, bias] = [w.tensor(key(`${k}.weight`)), w.tensor(key(`${k}.bias`))];
    return lean ? groupNormFromInstances(g, x, scale, bias, config.groups, epsilon) : groupNorm(g, x, scale, bias, config.groups, epsilon);
  };
  // Nearest 2x upsampling and its 3x3 conv, in the lean form done at the low resolution (int8 convs keep the plain form).
  const upsampleConv = (x: string, k: string) => (lean && !quantizeConv
    ? nearestUpsampleConv3x3(g, x, w.upsampleConvPhases(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)))
    : conv(upsampleNearest2x(g, x), k, 3));
  const layerNormOf = (x: string, k: string) =>
    layerNorm(g, x, w.tensor(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)), LAYER_NORM_EPSILON);

  // Every ResBlock applies SiLU to the time embedding before its own projection: do it once.
  const sinusoid = timestepEmbedding(g, inputs.timestep, config.channels[0]);
  const embedding = silu(g, floatDense(silu(g, floatDense(sinusoid, 'time_embed.0')), 'time_embed.2'));

  const resBlock = (x: string, l: Extract<UnetLayer, { kind: 'res' }>) => {
    let h = conv(silu(g, norm(x, `${l.prefix}.in_layers.0`, RES_EPSILON)), `${l.prefix}.in_layers.2`, 3);
    h = add(g, h, unsqueeze(g, floatDense(embedding, `${l.prefix}.emb_layers.1`), [2, 3]));
    h = conv(silu(g, norm(h, `${l.prefix}.out_layers.0`, RES_EPSILON)), `${l.prefix}.out_layers.3`, 3);
    const skip = l.inChannels === l.outChannels ? x : conv(x, `${l.prefix}.skip_connection`, 1);
    return add(g, skip, h);
  };

  const attend = (x: string, kv: string, k: string) =>
    dense(attention(g, dense(x, `${k}.to_q`, false), dense(kv, `${k}.to_k`, false), dense(kv, `${k}.to_v`, false), { heads: config.heads }), `${k}.to_out.0`);

  const transformer = (x: string, l: Extract<UnetLayer, { kind: 'attn' }>) => {
    const block = `${l.prefix}.transformer_blocks.0`;
    let t = dense(toTokens(g, norm(x, `${l.prefix}.norm`, TRANSFORMER_NORM_EPSILON)), `${l.prefix}.proj_in`);
    const n1 = layerNormOf(t, `${block}.norm1`);
    const merge = options.tokenMerge;
    const matching = merge?.ratio && mergesAtLevel(merge, l.level) ? tokenMatching(g, n1, x, l.channels, merge.ratio) : undefined;
    t = add(g, t, throughMerged(matching, n1, (m) => attend(m, m, `${block}.attn1`)));
    t = add(g, t, attend(layerNormOf(t, `${block}.norm2`), context, `${block}.attn2`));
    t = add(g, t, throughMerged(merge?.mlp ? matching : undefined, layerNormOf(t, `${block}.norm3`), (m) => geglu(m, `${block}.ff`, l.channels)));
    return add(g, fromTokens(g, dense(t, `${l.prefix}.proj_out`), x), x);
  };

  // GEGLU: proj gives [value | gate]; two half-width MatMuls avoid a Split of the 8C activation.
  const geglu = (x: string, k: string, channels: number) => {
    const proj = key(`${k}.net.0.proj`);
    const half = 4 * channels;
    const rows = (start: number, end: number, bias?: string) => {
      if (staticLayers && isStatic(proj)) return staticLayers.dense(x, proj, bias, [start, end]);
      observe?.(x, proj, 'input');
      if (!quantizeLinear) return linear(g, x, w.matrixRows(`${proj}.weight`, start, end), bias);
      const { weight, scales } = w.quantizedMatrixRows(`${proj}.weight`, start, end);
      return quantizedLinear(g, x, weight, scales, bias);
    };
    const value = rows(0, half, w.slice(`${proj}.bias`, 0, half));
    const gate = gelu(g, rows(half, 2 * half), w.slice(`${proj}.bias`, half, 2 * half));
    return dense(mul(g, value, gate), `${k}.net.2`);
  };

  const apply = (x: string, l: UnetLayer): string => {
    switch (l.kind) {
      case 'res': return resBlock(x, l);
      case 'attn': return transformer(x, l);
      case 'down': return conv(x, `${l.prefix}.op`, 3, 2);
      case 'up': return upsampleConv(x, `${l.prefix}.conv`);
    }
  };

  return { floatConv, norm, apply };
}
