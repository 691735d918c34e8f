import { GraphBuilder } from '../onnx/graph.ts';
import type { OnnxModel } from '../onnx/model.ts';
import { groupNormFromInstances, nearestUpsampleConv3x3 } from '../onnx/decoder-ops.ts';
import { add, attention, clip, conv2d, fromTokens, linear, silu, split, toTokens } from '../onnx/ops.ts';
import type { VaeConfig } from './config.ts';
import { VAE_PREFIX, vaeTensors } from './tensors.ts';
import { decoderLevels, encoderLevels, vaeMiddle } from './vae-layout.ts';
import type { VaeResBlock } from './vae-layout.ts';
import { CheckpointWeights } from './weights.ts';
import type { WeightSource } from './weights.ts';

const EPSILON = 1e-6;
const LOGVAR_RANGE = [-30, 20] as const;

/** `sample` [B, 3, H, W] in [-1, 1] -> `latent_sample` (posterior mean, unscaled) and `latent_logvar`. */
export function buildVaeEncoder(config: VaeConfig, source: WeightSource): OnnxModel {
  const g = new GraphBuilder();
  const blocks = vaeBlocks(g, config, source);
  const last = config.channels[config.channels.length - 1];

  const image = g.input('sample', 'float32', ['batch', config.imageChannels, 'height', 'width']);
  let h = blocks.conv(image, 'encoder.conv_in', 3);
  for (const level of encoderLevels(config)) {
    h = level.blocks.reduce(blocks.res, h);
    // Downsampling pads only the right and bottom edges before its stride-2 conv.
    if (level.resample) h = blocks.conv(h, level.resample, 3, 2, [0, 0, 1, 1]);
  }
  h = blocks.middle(h, 'encoder', last);
  h = blocks.conv(silu(g, blocks.norm(h, 'encoder.norm_out')), 'encoder.conv_out', 3);
  const [mean, logvar] = split(g, blocks.conv(h, 'quant_conv', 1), 1, 2);
  const dims = ['batch', config.latentChannels, 'latent_height', 'latent_width'];
  g.output(mean, 'latent_sample', 'float32', dims);
  g.output(clip(g, logvar, ...LOGVAR_RANGE), 'latent_logvar', 'float32', dims);
  return g.build('vae_encoder');
}

/** `latent_sample` [B, 4, h, w] (already divided by 0.18215) -> `sample` [B, 3, 8h, 8w] in about [-1, 1], unclamped. */
export function buildVaeDecoder(config: VaeConfig, source: WeightSource): OnnxModel {
  const g = new GraphBuilder();
  const blocks = vaeBlocks(g, config, source);
  const last = config.channels[config.channels.length - 1];

  const latent = g.input('latent_sample', 'float32', ['batch', config.latentChannels, 'height', 'width']);
  let h = blocks.conv(blocks.conv(latent, 'post_quant_conv', 1), 'decoder.conv_in', 3);
  h = blocks.middle(h, 'decoder', last);
  for (const level of decoderLevels(config)) {
    h = level.blocks.reduce(blocks.res, h);
    if (level.resample) h = blocks.upsampleConv(h, level.resample);
  }
  h = blocks.conv(silu(g, blocks.norm(h, 'decoder.norm_out')), 'decoder.conv_out', 3);
  g.output(h, 'sample', 'float32', ['batch', config.imageChannels, 'image_height', 'image_width']);
  return g.build('vae_decoder');
}

function vaeBlocks(g: GraphBuilder, config: VaeConfig, source: WeightSource) {
  const w = new CheckpointWeights(g, source, vaeTensors(config));
  const key = (k: string) => VAE_PREFIX + k;

  const conv = (x: string, k: string, kernel: number, stride = 1, pads?: [number, number, number, number]) =>
    conv2d(g, x, w.tensor(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)), { kernel, stride, pads });
  const norm = (x: string, k: string) =>
    groupNormFromInstances(g, x, w.tensor(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)), config.groups, EPSILON);
  // Nearest 2x upsampling and its 3x3 conv, done at the low resolution (see nearestUpsampleConv3x3).
  const upsampleConv = (x: string, k: string) =>
    nearestUpsampleConv3x3(g, x, w.upsampleConvPhases(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)));
  const dense = (x: string, k: string) => linear(g, x, w.matrix(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)));

  const res = (x: string, b: VaeResBlock) => {
    let h = conv(silu(g, norm(x, `${b.prefix}.norm1`)), `${b.prefix}.conv1`, 3);
    h = conv(silu(g, norm(h, `${b.prefix}.norm2`)), `${b.prefix}.conv2`, 3);
    const skip = b.inChannels === b.outChannels ? x : conv(x, `${b.prefix}.nin_shortcut`, 1);
    return add(g, skip, h);
  };

  // Single-head self-attention over all positions; q, k, v and proj_out are 1x1 convs, applied as MatMuls on tokens.
  const selfAttention = (x: string, k: string) => {
    const tokens = toTokens(g, norm(x, `${k}.norm`));
    const attended = attention(g, dense(tokens, `${k}.q`), dense(tokens, `${k}.k`), dense(tokens, `${k}.v`), { heads: 1 });
    return add(g, x, fromTokens(g, dense(attended, `${k}.proj_out`), x));
  };

  const middle = (x: string, side: 'encoder' | 'decoder', channels: number) => {
    const mid = vaeMiddle(side, channels);
    return res(selfAttention(res(x, mid.block1), mid.attention), mid.block2);
  };

  return { conv, norm, res, middle, upsampleConv };
}
