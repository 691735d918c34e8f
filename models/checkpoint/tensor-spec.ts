import type { DType } from './types.ts';
import { toFloat16 } from '../onnx/float16.ts';
import { float32ToBFloat16Bits } from './dtype.ts';

/** Element types the checkpoint writers can store. */
export type WritableDType = Extract<DType, 'F32' | 'F16' | 'BF16' | 'I64'>;

/** One tensor to write; its values are produced only when the writer reaches it. */
export interface TensorSpec {
  name: string;
  shape: number[];
  /** Stored type; when absent, floats use the writer's `floatDType` (default F32). */
  dtype?: WritableDType;
  values(): Float32Array | BigInt64Array;
}

export interface FloatTensorSpec extends TensorSpec {
  values(): Float32Array;
}

export const storedDType = (spec: TensorSpec, floatDType: WritableDType = 'F32'): WritableDType => spec.dtype ?? floatDType;

/** The little-endian bytes of a tensor in its stored type. */
export function encodeTensor(spec: TensorSpec, dtype: WritableDType): Uint8Array {
  const values = spec.values();
  const expected = spec.shape.reduce((a, b) => a * b, 1);
  if (values.length !== expected) {
    throw new Error(`tensor ${spec.name}: ${values.length} values for shape [${spec.shape}]`);
  }
  const bytesOf = (array: ArrayBufferView) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (dtype === 'I64') return bytesOf(values instanceof BigInt64Array ? values : BigInt64Array.from(values, (v) => BigInt(Math.round(v))));
  const floats = values instanceof Float32Array ? values : Float32Array.from(values, Number);
  if (dtype === 'F16') return bytesOf(toFloat16(floats));
  if (dtype === 'BF16') return bytesOf(float32ToBFloat16Bits(floats));
  return bytesOf(floats);
}
