import type { VaeConfig } from './config.ts';

/** The VAE's ResBlocks per level, with checkpoint prefixes relative to `first_stage_model.`. */

export interface VaeResBlock { prefix: string; inChannels: number; outChannels: number }

export interface VaeLevel {
  blocks: VaeResBlock[];
  /** Prefix of the level's down- (encoder) or upsampling (decoder) conv, when it has one. */
  resample?: string;
}

export function encoderLevels(config: VaeConfig): VaeLevel[] {
  const { channels, blocks } = config;
  let current = channels[0];
  return channels.map((out, level) => {
    const list = Array.from({ length: blocks }, (_, j) => {
      const block = { prefix: `encoder.down.${level}.block.${j}`, inChannels: current, outChannels: out };
      current = out;
      return block;
    });
    return { blocks: list, resample: level < channels.length - 1 ? `encoder.down.${level}.downsample.conv` : undefined };
  });
}

/** Decoder levels in execution order (checkpoint index `up.<last>` first). */
export function decoderLevels(config: VaeConfig): VaeLevel[] {
  const { channels, blocks } = config;
  let current = channels[channels.length - 1];
  const levels: VaeLevel[] = [];
  for (let level = channels.length - 1; level >= 0; level--) {
    const out = channels[level];
    const list = Array.from({ length: blocks + 1 }, (_, j) => {
      const block = { prefix: `decoder.up.${level}.block.${j}`, inChannels: current, outChannels: out };
      current = out;
      return block;
    });
    levels.push({ blocks: list, resample: level > 0 ? `decoder.up.${level}.upsample.conv` : undefined });
  }
  return levels;
}

export function vaeMiddle(side: 'encoder' | 'decoder', channels: number): { block1: VaeResBlock; attention: string; block2: VaeResBlock } {
  return {
    block1: { prefix: `${side}.mid.block_1`, inChannels: channels, outChannels: channels },
    attention: `${side}.mid.attn_1`,
    block2: { prefix: `${side}.mid.block_2`, inChannels: channels, outChannels: channels },
  };
}
