/** Element types as safetensors names them; `.ckpt` storages map onto the same names. */
export type DType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export interface TensorInfo {
  name: string;
  dtype: DType;
  shape: number[];
}

/**
 * An open checkpoint. Only the tensor list is held in memory; each read fetches one tensor from disk.
 * Floating-point tensors come back as float32 whatever their stored type; integer tensors are
 * converted to float32 too (callers that need them exact read `dtype` first).
 */
export interface TensorSource {
  readonly path: string;
  readonly format: 'ckpt' | 'safetensors';
  readonly tensors: readonly TensorInfo[];
  info(name: string): TensorInfo | undefined;
  readSync(name: string): Float32Array;
  read(name: string): Promise<Float32Array>;
  close(): void;
}

export const DTYPE_BYTES: Record<DType, number> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export const isFloatDType = (dtype: DType): boolean => dtype === 'F32' || dtype === 'F16' || dtype === 'BF16' || dtype === 'F64';

export const numelOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
