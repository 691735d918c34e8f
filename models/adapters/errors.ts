/**
 * Failures of reading LoRAs and textual-inversion embeddings, or of applying them to a model, by
 * stable code. Messages name the file (and key) at fault; nothing is applied when one is thrown.
 */
export const ADAPTER_CODES = [
  'lora_not_found',
  'lora_unreadable',
  'lora_invalid',
  'lora_wrong_architecture',
  'lora_shape_mismatch',
  'lora_unsupported',
  'embedding_not_found',
  'embedding_unreadable',
  'embedding_invalid',
  'model_not_patchable',
  'unet_variant_unavailable',
] as const;

export type AdapterCode = (typeof ADAPTER_CODES)[number];

export class AdapterError extends Error {
  readonly code: AdapterCode;
  readonly path?: string;

  constructor(code: AdapterCode, message: string, details: { path?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AdapterError';
    this.code = code;
    if (details.path !== undefined) this.path = details.path;
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const loraNotFound = (name: string, available: string[]) =>
  new AdapterError('lora_not_found', `no LoRA "${name}" in data/loras/; available: ${available.join(', ') || '(none)'}`);

export const loraUnreadable = (path: string, cause: unknown) =>
  new AdapterError('lora_unreadable', `LoRA ${path} cannot be read: ${messageOf(cause)}`, { path, cause });

export const loraInvalid = (path: string, detail: string) =>
  new AdapterError('lora_invalid', `${path} is not a LoRA: ${detail}`, { path });

export const loraWrongArchitecture = (path: string, key: string) =>
  new AdapterError(
    'lora_wrong_architecture',
    `LoRA ${path} is for another architecture (SDXL key "${key}"); it cannot be applied to a Stable Diffusion 1.x model`,
    { path },
  );

export const loraShapeMismatch = (path: string, key: string, detail: string) =>
  new AdapterError('lora_shape_mismatch', `LoRA ${path}: "${key}" does not fit this model (${detail}); is it for another model size or version?`, { path });

export const loraUnsupported = (path: string, detail: string) =>
  new AdapterError('lora_unsupported', `LoRA ${path} uses ${detail}, which is not supported`, { path });

export const embeddingNotFound = (name: string, available: string[]) =>
  new AdapterError('embedding_not_found', `no embedding "${name}" in data/embeddings/; available: ${available.join(', ') || '(none)'}`);

export const embeddingUnreadable = (path: string, cause: unknown) =>
  new AdapterError('embedding_unreadable', `embedding ${path} cannot be read: ${messageOf(cause)}`, { path, cause });

export const embeddingInvalid = (path: string, detail: string) =>
  new AdapterError('embedding_invalid', `${path} is not a textual-inversion embedding for this model: ${detail}`, { path });

export const modelNotPatchable = (path: string, detail: string) =>
  new AdapterError('model_not_patchable', `${path} cannot take LoRAs or embeddings: ${detail}`, { path });

/** A UNet whose graph latentflow cannot rebuild with more inputs (ControlNet residuals, FreeU factors). */
export const unetVariantUnavailable = (path: string, detail: string) =>
  new AdapterError('unet_variant_unavailable', `UNet ${path} cannot take ControlNet or FreeU inputs: ${detail}`, { path });
