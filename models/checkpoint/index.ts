/**
 * Reading and writing SD checkpoints, one tensor at a time.
 *
 *   const source = openCheckpoint('data/v1-5.ckpt');      // .ckpt (zip/zip64 + safe pickle) or .safetensors
 *   for (const { name, dtype, shape } of source.tensors) ...
 *   const weights = source.readSync('model.diffusion_model.out.2.weight'); // float32, whatever was stored
 *   source.close();
 *
 *   writeCkpt('tiny.ckpt', [...syntheticTensors(shapes, { seed: 1 }), ...stableDiffusionExtras()]);
 *   writeSafetensors('tiny.safetensors', tensors, { floatDType: 'F16' });
 *
 * Failures are `ModelFileError`s with a stable `code` (see errors.ts) and the file's `path`.
 */
export type { DType, TensorInfo, TensorSource } from './types.ts';
export { openCheckpoint } from './open-checkpoint.ts';
export { openCkpt } from './ckpt-reader.ts';
export { openSafetensors } from './safetensors-reader.ts';
export type { FloatTensorSpec, TensorSpec, WritableDType } from './tensor-spec.ts';
export { writeCkpt, type CkptWriteOptions } from './ckpt-writer.ts';
export { writeSafetensors, type SafetensorsWriteOptions } from './safetensors-writer.ts';
export { syntheticTensors, syntheticValues, stableDiffusionExtras } from './synthetic-weights.ts';
export { ModelFileError, MODEL_FILE_CODES, isModelFileError, type ModelFileCode } from './errors.ts';
export { writeLegacyTorch } from './legacy-torch-writer.ts';
export { writeLightningExtras } from './lightning-extras.ts';
