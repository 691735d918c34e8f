import { DEFAULT_UNET_WEIGHTS, type UnetWeights } from '../models/convert/index.ts';

/**
 * The converted full-size folders under `<data>/models/` the full-size figures run, each with how its UNet holds
 * its weights: the float conversion (the fp32 reference, and every speed option off) and the default one
 * (what a CPU conversion that chooses nothing gives).
 */
export const FULL_MODELS = {
  float: { folder: 'full', unetWeights: 'float' },
  default: { folder: `full-${DEFAULT_UNET_WEIGHTS}`, unetWeights: DEFAULT_UNET_WEIGHTS },
} as const satisfies Record<string, { folder: string; unetWeights: UnetWeights }>;

/** How a figure names the default conversion's UNet. */
export const DEFAULT_UNET_LABEL = `${DEFAULT_UNET_WEIGHTS} UNet, the CPU default`;
