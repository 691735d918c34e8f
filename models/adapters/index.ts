/** LoRAs and textual-inversion embeddings (finding, reading and applying them to the ONNX networks), and UNet variants with more inputs. */
export { ADAPTER_CODES, embeddingNotFound, loraNotFound, modelNotPatchable, unetVariantUnavailable } from './errors.ts';
export type { AdapterCode } from './errors.ts';
export { EMBEDDING_DIR, LORA_DIR, fileSha256, findAdapterFile, listAdapterFiles } from './files.ts';
export { patchedNetwork } from './patch-in-worker.ts';
export { networkFolderOf } from './patch-network.ts';
export { patchNetwork } from './patched-networks.ts';
export type { AppliedLora, ExtraTokens } from './patched-networks.ts';
export { readEmbedding } from './read-embedding.ts';
export { openLora } from './read-lora.ts';
export { loraTargets } from './targets.ts';
export { unetVariant } from './unet-variants.ts';
export type { UnetVariant, UnetVariantRequest } from './unet-variants.ts';
