/** The sizes of an SD 1.5-architecture model; everything else about the architecture is fixed. */

export interface TextEncoderConfig {
  vocab: number;
  width: number;
  layers: number;
  /** Always width / 64 (CLIP's head size). */
  heads: number;
  /** Sequence length; the input is always padded to it. */
  positions: number;
  ffn: number;
}

export interface UnetConfig {
  inChannels: number;
  outChannels: number;
  /** Output channels of each resolution level; the first is also conv_in's. */
  channels: number[];
  /** Whether each level's blocks have a spatial transformer (the middle block always has one). */
  attention: boolean[];
  /** ResBlocks per level on the way down (the way up has one more). */
  layersPerBlock: number;
  /** Transformer heads: 8 at every width, as in SD 1.5. */
  heads: number;
  /** Width of the text conditioning (the text encoder's width). */
  contextDim: number;
  groups: number;
}

export interface VaeConfig {
  imageChannels: number;
  latentChannels: number;
  /** Channels of each level, encoder order; the image is downsampled between levels. */
  channels: number[];
  /** ResBlocks per encoder level (decoder levels have one more). */
  blocks: number;
  groups: number;
}

export interface SD15Config {
  text: TextEncoderConfig;
  unet: UnetConfig;
  vae: VaeConfig;
}

export const CLIP_HEAD_SIZE = 64;
export const UNET_HEADS = 8;
export const GROUPS = 32;
export const LATENT_SCALE = 0.18215;

export const FULL_SD15_CONFIG: SD15Config = {
  text: { vocab: 49408, width: 768, layers: 12, heads: 12, positions: 77, ffn: 3072 },
  unet: {
    inChannels: 4, outChannels: 4, channels: [320, 640, 1280, 1280], attention: [true, true, true, false],
    layersPerBlock: 2, heads: UNET_HEADS, contextDim: 768, groups: GROUPS,
  },
  vae: { imageChannels: 3, latentChannels: 4, channels: [128, 256, 512, 512], blocks: 2, groups: GROUPS },
};

/**
 * The same architecture at toy sizes, for tests and the bundled demo model. The VAE keeps four
 * levels so that latents are 1/8 of the image size, as the pipeline assumes.
 */
export const TINY_SD15_CONFIG: SD15Config = {
  text: { vocab: 49408, width: 64, layers: 2, heads: 1, positions: 77, ffn: 256 },
  unet: {
    inChannels: 4, outChannels: 4, channels: [32, 64], attention: [true, true],
    layersPerBlock: 1, heads: UNET_HEADS, contextDim: 64, groups: GROUPS,
  },
  vae: { imageChannels: 3, latentChannels: 4, channels: [32, 32, 64, 64], blocks: 1, groups: GROUPS },
};
