import { decoderLevels } from '../models/sd15/index.ts';
import type { VaeConfig } from '../models/sd15/index.ts';

/**
 * FLOP of the standard SD 1.5 VAE decoder (the PyTorch form: every upsampling conv a 3x3 conv at
 * the upsampled size) for one image from a `side` x `side` latent, by kernel family. The built
 * graph does the upsampling convs with 4/9 of these FLOPs (`executedConv`).
 */
export function vaeDecoderGflop(config: VaeConfig, side: number): { conv: number; executedConv: number; matmul: number } {
  const conv = (cin: number, cout: number, kernel: number, pixels: number) => (2 * cin * cout * kernel * kernel * pixels) / 1e9;
  const last = config.channels[config.channels.length - 1];
  let pixels = side * side;
  let total = conv(config.latentChannels, config.latentChannels, 1, pixels) + conv(config.latentChannels, last, 3, pixels);
  let upsampling = 0;
  const res = (cin: number, cout: number) => conv(cin, cout, 3, pixels) + conv(cout, cout, 3, pixels) + (cin === cout ? 0 : conv(cin, cout, 1, pixels));
  total += 2 * res(last, last);
  // The mid-block attention: q, k, v and the output projection, then QK^T and AV over all positions.
  const matmul = (4 * 2 * pixels * last * last + 2 * 2 * pixels * pixels * last) / 1e9;
  for (const level of decoderLevels(config)) {
    for (const block of level.blocks) total += res(block.inChannels, block.outChannels);
    if (level.resample) {
      const channels = level.blocks[level.blocks.length - 1].outChannels;
      pixels *= 4;
      const up = conv(channels, channels, 3, pixels);
      total += up;
      upsampling += up;
    }
  }
  total += conv(config.channels[0], config.imageChannels, 3, pixels);
  return { conv: total, executedConv: total - (5 / 9) * upsampling, matmul };
}
