import { GraphBuilder } from '../onnx/graph.ts';
import type { OnnxModel } from '../onnx/model.ts';
import { add, concat, silu } from '../onnx/ops.ts';
import type { UnetConfig } from './config.ts';
import { unetLayout } from './unet-layout.ts';
import type { UnetLayer } from './unet-layout.ts';
import { UNET_PREFIX, unetTensors } from './tensors.ts';
import { RES_EPSILON, unetBlocks } from './unet-blocks.ts';
import type { UnetOptions as BlockOptions } from './unet-blocks.ts';
import { fourierSkipFilter, freeUBackbone, freeUInputs } from './freeu.ts';
import { CACHED_DEEP_FEATURE, DEEP_CACHE_REFRESH, DEEP_FEATURE, deepFeatureInfo, type DeepCacheOptions } from './deep-cache.ts';
import { CheckpointWeights } from './weights.ts';
import type { WeightSource } from './weights.ts';

export interface UnetOptions extends BlockOptions {
  /**
   * Adds the ControlNet inputs: `control_0` .. `control_{n-1}` (one a skip connection, added to it before the
   * decoder concatenates it) and `control_mid` (added to the middle block's output); see controlResidualInputs.
   */
  controlResiduals?: boolean;
  /** Adds the FreeU factors as inputs (see freeu.ts). */
  freeU?: boolean;
  /** Adds DeepCache's inputs and its `deep_feature` output (see deep-cache.ts); not with controlResiduals. */
  deepCache?: DeepCacheOptions;
}

/** Names and channel counts of the UNet inputs a ControlNet's outputs feed, skip connections first. */
export function controlResidualInputs(config: UnetConfig): { name: string; channels: number; downsampled: number }[] {
  const layout = unetLayout(config);
  const skips = [{ channels: config.channels[0], downsampled: 0 }];
  let downsampled = 0;
  for (const block of layout.inputBlocks) {
    const last = block[block.length - 1];
    if (last.kind === 'down') downsampled++;
    skips.push({ channels: last.kind === 'res' ? last.outChannels : last.channels, downsampled });
  }
  return [
    ...skips.map((s, i) => ({ name: `control_${i}`, ...s })),
    { name: 'control_mid', channels: config.channels[config.channels.length - 1], downsampled },
  ];
}

/**
 * The SD 1.5 noise predictor: `sample` [B, in, h, w], `timestep` float32 [B] and
 * `encoder_hidden_states` [B, S, contextDim] -> `out_sample` [B, out, h, w] (eps).
 * B, h, w and S are dynamic; h and w must be multiples of 2^(levels - 1).
 */
export function buildUnet(config: UnetConfig, source: WeightSource, options: UnetOptions = {}): OnnxModel {
  const g = new GraphBuilder();
  const w = new CheckpointWeights(g, source, unetTensors(config));
  const layout = unetLayout(config);

  const sample = g.input('sample', 'float32', ['batch', config.inChannels, 'height', 'width']);
  const timestep = g.input('timestep', 'float32', ['batch']);
  const context = g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', config.contextDim]);
  const control = options.controlResiduals
    ? controlResidualInputs(config).map(({ name, channels, downsampled }) =>
      g.input(name, 'float32', ['batch', channels, downsampled === 0 ? 'height' : `height/${2 ** downsampled}`, downsampled === 0 ? 'width' : `width/${2 ** downsampled}`]))
    : undefined;
  const freeU = options.freeU ? freeUInputs(g) : undefined;
  const { floatConv, norm, apply } = unetBlocks(g, w, config, UNET_PREFIX, { timestep, context }, options);

  const deepCache = options.deepCache;
  if (deepCache && control) throw new Error('a UNet with DeepCache inputs cannot also take ControlNet residuals');
  const shallowInputs = deepCache ? deepCache.branch : layout.inputBlocks.length;
  const deepOutputs = layout.outputBlocks.length - 1 - shallowInputs;

  // The first and last convs stay float: 4 channels in or out, where int8 costs the most accuracy.
  let h = floatConv(sample, 'input_blocks.0.0', 3);
  const skips = [h];
  const encode = (blocks: UnetLayer[][]) => {
    for (const block of blocks) {
      h = block.reduce(apply, h);
      skips.push(h);
    }
  };
  let channels = config.channels[config.channels.length - 1];
  const decode = (blocks: UnetLayer[][]) => {
    for (const block of blocks) {
      let skip = skips.pop() as string;
      const factors = channels === 4 * config.channels[0] ? [freeU?.b1, freeU?.s1] : channels === 2 * config.channels[0] ? [freeU?.b2, freeU?.s2] : [];
      if (freeU && factors[0] && factors[1]) {
        h = freeUBackbone(g, h, channels, factors[0], freeU.v2);
        skip = fourierSkipFilter(g, skip, factors[1]);
      }
      h = block.reduce(apply, concat(g, [h, skip], 1));
      channels = (block[0] as Extract<UnetLayer, { kind: 'res' }>).outChannels;
    }
  };
  // The deep part: what follows the shallow input blocks up to the output block that takes their last skip.
  const deep = () => {
    encode(layout.inputBlocks.slice(shallowInputs));
    h = layout.middle.reduce(apply, h);
    if (control) {
      h = add(g, h, control[control.length - 1]);
      skips.forEach((skip, i) => (skips[i] = add(g, skip, control[i])));
    }
    decode(layout.outputBlocks.slice(0, deepOutputs));
    return h;
  };
  encode(layout.inputBlocks.slice(0, shallowInputs));
  if (deepCache) {
    const { channels: featureChannels, downsampled } = deepFeatureInfo(config, deepCache);
    const side = (name: string) => (downsampled === 0 ? name : `${name}/${2 ** downsampled}`);
    const feature = { dataType: 'float32' as const, dims: ['batch', featureChannels, side('height'), side('width')] };
    const refresh = g.input(DEEP_CACHE_REFRESH, 'bool', [1]);
    const cached = g.input(CACHED_DEEP_FEATURE, feature.dataType, feature.dims);
    h = g.ifElse(refresh, feature, deep, () => cached);
    g.output(h, DEEP_FEATURE, feature.dataType, feature.dims);
  } else {
    deep();
  }
  decode(layout.outputBlocks.slice(deepOutputs));
  h = floatConv(silu(g, norm(h, 'out.0', RES_EPSILON)), 'out.2', 3);
  g.output(h, 'out_sample', 'float32', ['batch', config.outChannels, 'height', 'width']);
  return g.build('unet');
}
