import { float, GraphBuilder, type OnnxModel } from '../onnx/index.ts';
import { conv2d, upsampleNearest2x } from '../onnx/ops.ts';
import type { RrdbnetConfig } from './rrdbnet-config.ts';

/** Reads one new-layout tensor (see rrdbnet-layout.ts) as float32. */
export type RrdbnetWeights = (name: string) => Float32Array;

/** The graph's input and output: float32 RGB in [0, 1], [1, C, H, W] -> [1, C, H * scale, W * scale]. */
export const RRDBNET_IO = { input: 'image', output: 'upscaled' } as const;

/**
 * RRDBNet as ESRGAN and Real-ESRGAN define it (basicsr `rrdbnet_arch.py`): conv_first, numBlock
 * residual-in-residual dense blocks (each three 5-conv dense blocks, residuals scaled by 0.2),
 * conv_body added to the features, x2 nearest upsample + conv + LeakyReLU(0.2) per upsample, then
 * conv_hr, LeakyReLU, conv_last. The output is not clamped (the node clamps when it makes pixels).
 *
 * Pixel unshuffle is ONNX SpaceToDepth, whose channel order (offset-major) differs from torch's
 * pixel_unshuffle (channel-major); conv_first's input channels are reordered to match instead.
 */
export function buildRrdbnet(config: RrdbnetConfig, weights: RrdbnetWeights): OnnxModel {
  const g = new GraphBuilder();
  const image = g.input(RRDBNET_IO.input, 'float32', [1, config.channels, 'height', 'width']);
  const convOf = (name: string, inputs: number, read: () => Float32Array = () => weights(`${name}.weight`)) => {
    const out = weights(`${name}.bias`).length;
    const weight = g.initializer(`${name}.weight`, 'float32', [out, inputs, 3, 3], read);
    const bias = g.initializer(`${name}.bias`, 'float32', [out], () => weights(`${name}.bias`));
    return (x: string) => conv2d(g, x, weight, bias, { kernel: 3 });
  };
  const lrelu = (x: string) => g.op('LeakyRelu', [x], { alpha: float(0.2) });
  const scale02 = g.constant('float32', [0.2], []);
  const residual = (x: string, y: string) => g.op('Add', [g.op('Mul', [y, scale02]), x]);
  const { numFeat: nf, growth: gc, unshuffle: r, channels } = config;

  const folded = r === 1 ? image : g.op('SpaceToDepth', [image], { blocksize: r });
  const firstIn = channels * r * r;
  const feat = convOf('conv_first', firstIn, () => toSpaceToDepthOrder(weights('conv_first.weight'), nf, channels, r))(folded);

  const denseBlock = (x: string, prefix: string) => {
    const features = [x];
    for (let j = 1; j <= 5; j++) {
      const input = features.length === 1 ? x : g.op('Concat', [...features], { axis: 1 });
      const y = convOf(`${prefix}.conv${j}`, nf + (j - 1) * gc)(input);
      if (j === 5) return residual(x, y);
      features.push(lrelu(y));
    }
    throw new Error('unreachable');
  };
  let body = feat;
  for (let b = 0; b < config.numBlock; b++) {
    let x = body;
    for (let k = 1; k <= 3; k++) x = denseBlock(x, `body.${b}.rdb${k}`);
    body = residual(body, x);
  }
  let hr = g.op('Add', [feat, convOf('conv_body', nf)(body)]);
  for (let u = 1; u <= config.upsamples; u++) hr = lrelu(convOf(`conv_up${u}`, nf)(upsampleNearest2x(g, hr)));
  const out = convOf('conv_last', nf)(lrelu(convOf('conv_hr', nf)(hr)));
  g.output(out, RRDBNET_IO.output, 'float32', [1, channels, 'out_height', 'out_width']);
  return g.build('rrdbnet');
}

/**
 * torch's pixel_unshuffle puts (c, i, j) at channel c*r*r + i*r + j; SpaceToDepth at (i*r + j)*C + c.
 * Returns conv_first's weight [nf, C*r*r, 3, 3] with its input channels in SpaceToDepth order.
 */
function toSpaceToDepthOrder(weight: Float32Array, nf: number, channels: number, r: number): Float32Array {
  if (r === 1) return weight;
  const inputs = channels * r * r;
  const out = new Float32Array(weight.length);
  for (let o = 0; o < nf; o++) {
    for (let c = 0; c < channels; c++) {
      for (let offset = 0; offset < r * r; offset++) {
        const from = (o * inputs + c * r * r + offset) * 9;
        const to = (o * inputs + offset * channels + c) * 9;
        out.set(weight.subarray(from, from + 9), to);
      }
    }
  }
  return out;
}
