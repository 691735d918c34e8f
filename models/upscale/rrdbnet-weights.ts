import { syntheticValues } from '../checkpoint/synthetic-weights.ts';
import type { FloatTensorSpec } from '../checkpoint/tensor-spec.ts';
import { rrdbnetTensors, type RrdbnetConfig } from './rrdbnet-config.ts';
import { esrganName } from './rrdbnet-layout.ts';

/** Seeded random RRDBNet weights (uniform, scaled by fan-in), named in the new layout: for tests and parity. */
export function seededRrdbnetTensors(config: RrdbnetConfig, seed: number): FloatTensorSpec[] {
  return rrdbnetTensors(config).map(([name, shape]) => ({ name, shape, values: () => syntheticValues(name, shape, seed) }));
}

/**
 * Weights that copy the image through: conv_first averages each colour's unshuffled pixels, every
 * dense block and conv_body are zero (so each residual passes its input on), and the upsampling
 * convolutions, conv_hr and conv_last pass the first `channels` features through their centre tap.
 * With x2 unshuffle the result is the image averaged over 2x2 blocks and enlarged 4x: the right
 * size and colours, no added detail. LeakyReLU keeps the [0, 1] values as they are.
 */
export function passthroughRrdbnetTensors(config: RrdbnetConfig): FloatTensorSpec[] {
  const { channels, unshuffle: r } = config;
  return rrdbnetTensors(config).map(([name, shape]) => ({
    name, shape,
    values: () => {
      const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
      if (shape.length !== 4 || name.startsWith('body.') || name.startsWith('conv_body')) return out;
      const inputs = shape[1];
      const centre = (o: number, i: number, value: number) => { out[(o * inputs + i) * 9 + 4] = value; };
      for (let c = 0; c < channels; c++) {
        if (name === 'conv_first.weight') for (let k = 0; k < r * r; k++) centre(c, c * r * r + k, 1 / (r * r));
        else centre(c, c, 1);
      }
      return out;
    },
  }));
}

/** Renames new-layout tensors to the old ESRGAN layout (`model.0`, `model.1.sub.N.RDBk.convj.0`, ...). */
export const toEsrganLayout = (config: RrdbnetConfig, tensors: FloatTensorSpec[]): FloatTensorSpec[] =>
  tensors.map((t) => ({ ...t, name: esrganName(t.name, config) }));
