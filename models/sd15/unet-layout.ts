import type { UnetConfig } from './config.ts';

/**
 * The UNet as a list of layers with their checkpoint prefixes (relative to `model.diffusion_model.`); an attention
 * layer's `level` is its resolution level (downsample factor 2^level).
 */

export type UnetLayer =
  | { kind: 'res'; prefix: string; inChannels: number; outChannels: number }
  | { kind: 'attn'; prefix: string; channels: number; level: number }
  | { kind: 'down'; prefix: string; channels: number }
  | { kind: 'up'; prefix: string; channels: number };

export interface UnetLayout {
  /** Time embedding width: 4x the first level's channels. */
  timeEmbedDim: number;
  /** input_blocks.1 onwards; each block's output is pushed as a skip connection. */
  inputBlocks: UnetLayer[][];
  middle: UnetLayer[];
  /** Each output block first concatenates the last unused skip connection. */
  outputBlocks: UnetLayer[][];
}

export function unetLayout(config: UnetConfig): UnetLayout {
  const { channels, attention, layersPerBlock } = config;
  const levels = channels.length;
  const skips: number[] = [channels[0]];
  const inputBlocks: UnetLayer[][] = [];
  let current = channels[0];
  for (let level = 0; level < levels; level++) {
    for (let j = 0; j < layersPerBlock; j++) {
      const prefix = `input_blocks.${inputBlocks.length + 1}`;
      const block: UnetLayer[] = [{ kind: 'res', prefix: `${prefix}.0`, inChannels: current, outChannels: channels[level] }];
      if (attention[level]) block.push({ kind: 'attn', prefix: `${prefix}.1`, channels: channels[level], level });
      inputBlocks.push(block);
      current = channels[level];
      skips.push(current);
    }
    if (level < levels - 1) {
      inputBlocks.push([{ kind: 'down', prefix: `input_blocks.${inputBlocks.length + 1}.0`, channels: current }]);
      skips.push(current);
    }
  }

  const middle: UnetLayer[] = [
    { kind: 'res', prefix: 'middle_block.0', inChannels: current, outChannels: current },
    { kind: 'attn', prefix: 'middle_block.1', channels: current, level: levels - 1 },
    { kind: 'res', prefix: 'middle_block.2', inChannels: current, outChannels: current },
  ];

  const outputBlocks: UnetLayer[][] = [];
  for (let level = levels - 1; level >= 0; level--) {
    for (let j = 0; j <= layersPerBlock; j++) {
      const prefix = `output_blocks.${outputBlocks.length}`;
      const skip = skips.pop() as number;
      const block: UnetLayer[] = [{ kind: 'res', prefix: `${prefix}.0`, inChannels: current + skip, outChannels: channels[level] }];
      if (attention[level]) block.push({ kind: 'attn', prefix: `${prefix}.1`, channels: channels[level], level });
      if (level > 0 && j === layersPerBlock) block.push({ kind: 'up', prefix: `${prefix}.${block.length}`, channels: channels[level] });
      outputBlocks.push(block);
      current = channels[level];
    }
  }
  return { timeEmbedDim: channels[0] * 4, inputBlocks, middle, outputBlocks };
}
