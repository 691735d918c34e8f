import type { UnetConfig } from './config.ts';
import { controlResidualInputs } from './unet.ts';

/**
 * DeepCache (Ma et al., "DeepCache: Accelerating Diffusion Models for Free", CVPR 2024): the UNet's deep features
 * change slowly from one sampling step to the next, so most calls compute only a shallow branch (conv_in and the
 * first `branch` input blocks, then the output blocks that take their skips) and reuse the feature that entered the
 * first of those output blocks at the last full call.
 *
 * The UNet built with `deepCache` has one graph for both kinds of call: an If on `deep_cache_refresh` (bool [1])
 * either computes the deep part or passes `cached_deep_feature` through, and the feature used is the output
 * `deep_feature`, to be fed back on the next cached call. A full call (refresh true) gives the plain UNet's output;
 * its `cached_deep_feature` is not read (an empty tensor will do).
 */
export const DEEP_CACHE_REFRESH = 'deep_cache_refresh';
export const CACHED_DEEP_FEATURE = 'cached_deep_feature';
export const DEEP_FEATURE = 'deep_feature';

/**
 * The paper's shallowest branch (skip branch 0 in its SD code: conv_in and input_blocks.1 are computed, the
 * cached feature enters output_blocks.10 of SD 1.5), the one measured in docs/performance.md.
 */
export const DEEP_CACHE_BRANCH = 1;

export interface DeepCacheOptions {
  /** How many input blocks after conv_in the shallow part computes (1 .. the number of input blocks - 1). */
  branch: number;
}

/** Channels of the deep feature and how many times it is downsampled from the latent. */
export function deepFeatureInfo(config: UnetConfig, { branch }: DeepCacheOptions): { channels: number; downsampled: number } {
  const skips = controlResidualInputs(config).slice(0, -1);
  if (!Number.isInteger(branch) || branch < 1 || branch >= skips.length - 1) {
    throw new Error(`DeepCache branch ${branch} is outside 1 .. ${skips.length - 2}`);
  }
  // The feature is the output of the output block before the one that concatenates skip `branch`: it has that
  // skip's resolution and the channels that block's ResBlock takes besides the skip.
  const { downsampled } = skips[branch];
  const outputIndex = skips.length - 2 - branch;
  const level = config.channels.length - 1 - Math.floor(outputIndex / (config.layersPerBlock + 1));
  return { channels: config.channels[level], downsampled };
}
