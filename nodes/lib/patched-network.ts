import { join } from 'node:path';
import { existingConversion } from '../../models/convert.ts';
import type { SD15Config } from '../../models/sd15/index.ts';
import { patchedNetwork } from '../../models/adapters/patch-in-worker.ts';
import { networkFolderOf } from '../../models/adapters/patch-network.ts';
import type { ClipHandle, ExtraTokens, UnetHandle } from './sd-types.ts';

/** Where patched copies of networks (LoRAs, embeddings applied) are kept, content-addressed. */
export const patchCacheDir = (dataDir: string) => join(dataDir, 'cache', 'patched');

/** The UNet model file to open: the base one, or its copy with the handle's LoRAs applied. */
export const unetModelPath = (unet: UnetHandle, dataDir: string) =>
  patchedNetwork({ model: unet.path, network: 'unet', loras: unet.loras ?? [], cacheDir: patchCacheDir(dataDir) });

/** The text encoder model file to open, with the handle's LoRAs and the prompt's embedding rows. */
export const textEncoderModelPath = (clip: ClipHandle, dataDir: string, extra?: ExtraTokens) =>
  patchedNetwork({ model: clip.textEncoder, network: 'text_encoder', loras: clip.loras ?? [], cacheDir: patchCacheDir(dataDir), extra });

/** The sizes of the model a network file belongs to, when latentflow converted it. */
export const modelConfigOf = (networkModel: string): SD15Config | undefined => existingConversion(networkFolderOf(networkModel))?.config;
