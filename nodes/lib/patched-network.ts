import { join } from 'node:path';
import { existingConversion } from '../../models/convert/index.ts';
import type { SD15Config } from '../../models/sd15/index.ts';
import { networkFolderOf, patchedNetwork, unetVariant, type UnetVariant } from '../../models/adapters/index.ts';
import type { ClipHandle, ExtraTokens, UnetHandle } from './sd-types.ts';

/** Where patched copies of networks (LoRAs, embeddings applied) are kept, content-addressed. */
export const patchCacheDir = (dataDir: string) => join(dataDir, 'cache', 'patched');

/**
 * What runs before a patched copy is made (only then): e.g. closing the variants it is to replace in memory, so that
 * they and the patch's working set are not held at once.
 */
export type BeforePatching = () => Promise<void>;

/** The UNet model file to open: the base one, or its copy with the handle's LoRAs applied. */
export const unetModelPath = (unet: UnetHandle, dataDir: string, beforePatching?: BeforePatching) =>
  patchedNetwork({ model: unet.path, network: 'unet', loras: unet.loras ?? [], cacheDir: patchCacheDir(dataDir) }, beforePatching);

/** Where UNet variants (ControlNet and FreeU inputs) are kept, content-addressed (models/adapters/unet-variants.ts). */
export const variantCacheDir = (dataDir: string) => join(dataDir, 'cache', 'variants');

/**
 * The UNet model file to open with the extra inputs `variant` asks for: of a model latentflow converted, its
 * variant (of the LoRA-patched copy when LoRAs are applied); any other model as it is, which must then have the
 * inputs itself (the callers check).
 */
export async function unetVariantPath(unet: UnetHandle, dataDir: string, variant: UnetVariant, beforePatching?: BeforePatching): Promise<string> {
  const model = await unetModelPath(unet, dataDir, beforePatching);
  const index = existingConversion(networkFolderOf(unet.path));
  if (!index) return model;
  return unetVariant({ model, config: index.config.unet, weights: index.weights, unetWeights: index.unetWeights, variant, cacheDir: variantCacheDir(dataDir) });
}

/** The text encoder model file to open, with the handle's LoRAs and the prompt's embedding rows. */
export const textEncoderModelPath = (clip: ClipHandle, dataDir: string, extra?: ExtraTokens, beforePatching?: BeforePatching) =>
  patchedNetwork({ model: clip.textEncoder, network: 'text_encoder', loras: clip.loras ?? [], cacheDir: patchCacheDir(dataDir), extra }, beforePatching);

/** The sizes of the model a network file belongs to, when latentflow converted it. */
export const modelConfigOf = (networkModel: string): SD15Config | undefined => existingConversion(networkFolderOf(networkModel))?.config;
