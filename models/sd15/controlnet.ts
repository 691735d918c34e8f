import { GraphBuilder } from '../onnx/graph.ts';
import type { OnnxModel } from '../onnx/model.ts';
import { add, conv2d, silu } from '../onnx/ops.ts';
import type { UnetConfig } from './config.ts';
import { inferUnet } from './infer-config.ts';
import { unetLayout } from './unet-layout.ts';
import { UNET_PREFIX, unetTensors } from './tensors.ts';
import { controlResidualInputs } from './unet.ts';
import { unetBlocks } from './unet-blocks.ts';
import { CheckpointWeights } from './weights.ts';
import type { WeightSource } from './weights.ts';

/** Where an original-layout ControlNet file keeps its tensors (ComfyUI also reads files with no prefix). */
export const CONTROL_PREFIX = 'control_model.';

/** Output channels of the hint encoder's convs, input_hint_block.0, .2, ... .12 (SiLU between); .14 maps to the first level's width. */
const HINT_CHANNELS = [16, 16, 32, 32, 96, 96, 256];
const HINT_STRIDES = [1, 1, 2, 1, 2, 1, 2];
const HINT_IMAGE_CHANNELS = 3;

/** Every tensor of an SD 1.5 ControlNet for `config` (the UNet it steers), `control_model.` names, with shapes. */
export function controlNetTensors(config: UnetConfig): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const [key, shape] of unetTensors(config)) {
    const local = key.slice(UNET_PREFIX.length);
    if (/^(time_embed|input_blocks|middle_block)\./.test(local)) shapes.set(CONTROL_PREFIX + local, shape);
  }
  const conv = (key: string, out: number, inp: number, k: number) => {
    shapes.set(`${CONTROL_PREFIX}${key}.weight`, [out, inp, k, k]);
    shapes.set(`${CONTROL_PREFIX}${key}.bias`, [out]);
  };
  let channels = HINT_IMAGE_CHANNELS;
  HINT_CHANNELS.forEach((out, i) => { conv(`input_hint_block.${2 * i}`, out, channels, 3); channels = out; });
  conv(`input_hint_block.${2 * HINT_CHANNELS.length}`, config.channels[0], channels, 3);
  const residuals = controlResidualInputs(config);
  residuals.slice(0, -1).forEach((r, i) => conv(`zero_convs.${i}.0`, r.channels, r.channels, 1));
  const mid = residuals[residuals.length - 1].channels;
  conv('middle_block_out.0', mid, mid, 1);
  return shapes;
}

/**
 * The SD 1.5 ControlNet: a copy of the UNet's encoder and middle block, fed the noisy latent plus the encoded hint,
 * whose every skip connection and middle output leaves through a 1x1 "zero" conv.
 * Inputs: `sample` [B, 4, h, w], `timestep` [B], `encoder_hidden_states` [B, S, contextDim] and `hint`
 * [B, 3, 8h, 8w] (the control image, RGB in [0, 1]). Outputs: the UNet's control inputs (controlResidualInputs:
 * `control_0` .. and `control_mid`), unscaled; the caller multiplies by the strength.
 */
export function buildControlNet(config: UnetConfig, source: WeightSource): OnnxModel {
  const g = new GraphBuilder();
  const w = new CheckpointWeights(g, source, controlNetTensors(config));
  const layout = unetLayout(config);
  const key = (k: string) => CONTROL_PREFIX + k;

  const sample = g.input('sample', 'float32', ['batch', config.inChannels, 'height', 'width']);
  const timestep = g.input('timestep', 'float32', ['batch']);
  const context = g.input('encoder_hidden_states', 'float32', ['batch', 'sequence', config.contextDim]);
  const hint = g.input('hint', 'float32', ['batch', HINT_IMAGE_CHANNELS, 'image_height', 'image_width']);
  const { floatConv, apply } = unetBlocks(g, w, config, CONTROL_PREFIX, { timestep, context });
  const zeroConv = (x: string, k: string) => conv2d(g, x, w.tensor(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)), { kernel: 1 });

  let guided = hint;
  HINT_STRIDES.forEach((stride, i) => { guided = silu(g, floatConv(guided, `input_hint_block.${2 * i}`, 3, stride)); });
  guided = floatConv(guided, `input_hint_block.${2 * HINT_STRIDES.length}`, 3);

  const residuals = controlResidualInputs(config);
  const emit = (x: string, index: number, k: string) => {
    const r = residuals[index];
    g.output(zeroConv(x, k), r.name, 'float32', ['batch', r.channels, `height/${2 ** r.downsampled}`, `width/${2 ** r.downsampled}`]);
  };
  let h = add(g, floatConv(sample, 'input_blocks.0.0', 3), guided);
  emit(h, 0, 'zero_convs.0.0');
  layout.inputBlocks.forEach((block, i) => {
    h = block.reduce(apply, h);
    emit(h, i + 1, `zero_convs.${i + 1}.0`);
  });
  h = layout.middle.reduce(apply, h);
  emit(h, residuals.length - 1, 'middle_block_out.0');
  return g.build('controlnet');
}

/** The UNet sizes a ControlNet file was made for, from its tensor shapes (either naming, see controlNetWeights). */
export function inferControlNetConfig(shapes: Map<string, number[]>): UnetConfig {
  const prefixed = [...shapes.keys()].some((name) => name.startsWith(CONTROL_PREFIX));
  const named = prefixed ? shapes : new Map([...shapes].map(([name, shape]) => [CONTROL_PREFIX + name, shape]));
  if (!named.has(`${CONTROL_PREFIX}zero_convs.0.0.weight`)) {
    throw new Error(`no tensor ${CONTROL_PREFIX}zero_convs.0.0.weight (nor zero_convs.0.0.weight): not an SD 1.5 ControlNet in the original layout`);
  }
  return inferUnet(named, CONTROL_PREFIX);
}

/**
 * Reads a ControlNet file's tensors under `control_model.` names whether the file has that prefix or none
 * (the layouts of lllyasviel's control_v11*_sd15_* releases and of files saved without the wrapper).
 */
export function controlNetWeights(fileTensorNames: Iterable<string>, read: WeightSource): WeightSource {
  const names = new Set(fileTensorNames);
  const prefixed = [...names].some((name) => name.startsWith(CONTROL_PREFIX));
  return prefixed ? read : (name) => read(name.startsWith(CONTROL_PREFIX) ? name.slice(CONTROL_PREFIX.length) : name);
}
