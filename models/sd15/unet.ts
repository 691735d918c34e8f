import { GraphBuilder } from '../onnx/graph.ts';
import type { OnnxModel } from '../onnx/model.ts';
import {
  add, attention, concat, conv2d, fromTokens, gelu, groupNorm, layerNorm, linear, mul, quantizedConv2d, quantizedLinear,
  silu, toTokens, unsqueeze, upsampleNearest2x,
} from '../onnx/ops.ts';
import type { UnetConfig } from './config.ts';
import { unetLayout } from './unet-layout.ts';
import type { UnetLayer } from './unet-layout.ts';
import { UNET_PREFIX, unetTensors } from './tensors.ts';
import { timestepEmbedding } from './timestep-embedding.ts';
import { fourierSkipFilter, freeUBackbone, freeUInputs } from './freeu.ts';
import { CheckpointWeights } from './weights.ts';
import type { WeightSource } from './weights.ts';

const RES_EPSILON = 1e-5;
const TRANSFORMER_NORM_EPSILON = 1e-6;
const LAYER_NORM_EPSILON = 1e-5;

export interface UnetOptions {
  /**
   * 'int8-matmul': int8 weights for every linear layer (ORT's DynamicQuantizeMatMul);
   * 'int8': also for the convolutions (ConvInteger) except conv_in and the output conv.
   * Activations are quantised per call. Default 'none' (float32).
   */
  quantization?: 'none' | 'int8-matmul' | 'int8';
  /** Adds the FreeU factors as inputs (see freeu.ts). */
  freeU?: boolean;
}

/**
 * The SD 1.5 noise predictor: `sample` [B, in, h, w], `timestep` float32 [B] and
 * `encoder_hidden_states` [B, S, contextDim] -> `out_sample` [B, out, h, w] (eps).
 * B, h, w and S are dynamic; h and w must be multiples of 2^(levels - 1).
 */
export function buildUnet(config: UnetConfig, source: WeightSource, options: UnetOptions = {}): OnnxModel {
  const quantizeLinear = options.quantization === 'int8' || options.quantization === 'int8-matmul';
  const quantizeConv = options.quantization === 'int8';
  const g = new GraphBuilder();
  const w = new CheckpointWeights(g, source, unetTensors(config));
  const key = (k: string) => UNET_PREFIX + k;
  const layout = unetLayout(config);

  const sample = g.input('sample', 'float32', ['batch', config.inChannels, 'height', 'width']);
  const timestep = g.input('timestep', 'float32', ['batch']);
  const context = g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', config.contextDim]);
  const freeU = options.freeU ? freeUInputs(g) : undefined;

  const floatConv = (x: string, k: string, kernel: number, stride = 1) =>
    conv2d(g, x, w.tensor(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)), { kernel, stride });
  const conv = (x: string, k: string, kernel: number, stride = 1) =>
    (quantizeConv ? quantizedConv2d(g, x, w.quantizedConv(key(k)), { kernel, stride }) : floatConv(x, k, kernel, stride));
  // The time embedding path stays float: it is tiny ([B, 1280]) and steers every block.
  const floatDense = (x: string, k: string) => linear(g, x, w.matrix(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)));
  const dense = (x: string, k: string, bias = true) => {
    const b = bias ? w.tensor(key(`${k}.bias`)) : undefined;
    if (!quantizeLinear) return linear(g, x, w.matrix(key(`${k}.weight`)), b);
    const { weight, scales } = w.quantizedMatrix(key(`${k}.weight`));
    return quantizedLinear(g, x, weight, scales, b);
  };
  const norm = (x: string, k: string, epsilon: number) =>
    groupNorm(g, x, w.tensor(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)), config.groups, epsilon);
  const layerNormOf = (x: string, k: string) =>
    layerNorm(g, x, w.tensor(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)), LAYER_NORM_EPSILON);

  // Every ResBlock applies SiLU to the time embedding before its own projection: do it once.
  const sinusoid = timestepEmbedding(g, timestep, config.channels[0]);
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
    t = add(g, t, attend(n1, n1, `${block}.attn1`));
    t = add(g, t, attend(layerNormOf(t, `${block}.norm2`), context, `${block}.attn2`));
    t = add(g, t, geglu(layerNormOf(t, `${block}.norm3`), `${block}.ff`, l.channels));
    return add(g, fromTokens(g, dense(t, `${l.prefix}.proj_out`), x), x);
  };

  // GEGLU: proj gives [value | gate]; two half-width MatMuls avoid a Split of the 8C activation.
  const geglu = (x: string, k: string, channels: number) => {
    const proj = key(`${k}.net.0.proj`);
    const half = 4 * channels;
    const rows = (start: number, end: number, bias?: string) => {
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
      case 'up': return conv(upsampleNearest2x(g, x), `${l.prefix}.conv`, 3);
    }
  };

  // The first and last convs stay float: 4 channels in or out, where int8 costs the most accuracy.
  let h = floatConv(sample, 'input_blocks.0.0', 3);
  const skips = [h];
  for (const block of layout.inputBlocks) {
    h = block.reduce(apply, h);
    skips.push(h);
  }
  h = layout.middle.reduce(apply, h);
  let channels = config.channels[config.channels.length - 1];
  for (const block of layout.outputBlocks) {
    let skip = skips.pop() as string;
    const factors = channels === 4 * config.channels[0] ? [freeU?.b1, freeU?.s1] : channels === 2 * config.channels[0] ? [freeU?.b2, freeU?.s2] : [];
    if (freeU && factors[0] && factors[1]) {
      h = freeUBackbone(g, h, channels, factors[0], freeU.v2);
      skip = fourierSkipFilter(g, skip, factors[1]);
    }
    h = block.reduce(apply, concat(g, [h, skip], 1));
    channels = (block[0] as Extract<UnetLayer, { kind: 'res' }>).outChannels;
  }
  h = floatConv(silu(g, norm(h, 'out.0', RES_EPSILON)), 'out.2', 3);
  g.output(h, 'out_sample', 'float32', ['batch', config.outChannels, 'height', 'width']);
  return g.build('unet');
}
