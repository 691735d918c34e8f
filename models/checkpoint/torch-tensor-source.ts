import { DTYPE_BYTES, numelOf, type TensorInfo, type TensorSource } from './types.ts';
import { corrupt, tensorNotFound, truncated } from './errors.ts';
import { toFloat32 } from './dtype.ts';
import type { RandomAccessFile } from './random-access-file.ts';
import type { StorageRef, TensorRef } from './torch-pickle.ts';

/** Where a storage's bytes lie in the file. */
export interface StorageBytes {
  offset: number;
  size: number;
}

/** A pickled state dict's tensors over storages in one file (a zip's entries, or a legacy file's records). */
export class TorchTensorSource implements TensorSource {
  readonly format = 'ckpt';
  readonly tensors: TensorInfo[];
  private readonly byName: Map<string, TensorInfo>;
  private readonly located = new Map<string, StorageBytes>();

  /** Every tensor's byte range is checked here, against its storage and the file, before anything is read. */
  constructor(
    readonly path: string,
    private readonly file: RandomAccessFile,
    private readonly refs: Map<string, TensorRef>,
    locate: (storage: StorageRef) => StorageBytes,
  ) {
    for (const [name, ref] of refs) {
      const { key, dtype, numel } = ref.storage;
      let bytes = this.located.get(key);
      if (!bytes) {
        bytes = locate(ref.storage);
        if (bytes.size < numel * DTYPE_BYTES[dtype]) {
          throw truncated(path, `storage ${key} holds ${bytes.size} bytes, its ${numel} ${dtype} elements need ${numel * DTYPE_BYTES[dtype]}`);
        }
        if (bytes.offset + bytes.size > file.size) throw truncated(path, `storage ${key} ends at byte ${bytes.offset + bytes.size}, the file has ${file.size}`);
        this.located.set(key, bytes);
      }
      if (numelOf(ref.shape) > 0 && ref.offset + viewSpan(ref) > numel) {
        throw corrupt(path, `tensor ${name} ([${ref.shape}] from element ${ref.offset}) reaches past the end of its storage ${key} (${numel} elements)`);
      }
    }
    this.tensors = [...refs].map(([name, ref]) => ({ name, dtype: ref.storage.dtype, shape: ref.shape }));
    this.byName = new Map(this.tensors.map((t) => [t.name, t]));
  }

  info(name: string): TensorInfo | undefined {
    return this.byName.get(name);
  }

  readSync(name: string): Float32Array {
    const ref = this.refs.get(name);
    if (!ref) throw tensorNotFound(this.path, name);
    if (numelOf(ref.shape) === 0) return new Float32Array(0);
    const { dtype, key } = ref.storage;
    const span = viewSpan(ref);
    const elementBytes = DTYPE_BYTES[dtype];
    const bytes = this.file.read(this.located.get(key)!.offset + ref.offset * elementBytes, span * elementBytes);
    const values = toFloat32(bytes, dtype, span);
    return isContiguous(ref.shape, ref.stride) ? values : gather(values, ref.shape, ref.stride);
  }

  read(name: string): Promise<Float32Array> {
    return new Promise((resolve) => resolve(this.readSync(name)));
  }

  close(): void {
    this.file.close();
  }
}

/** Elements from the view's first to its last element (equals numel for a contiguous view). */
function viewSpan(ref: TensorRef): number {
  let last = 0;
  for (let d = 0; d < ref.shape.length; d++) last += (ref.shape[d] - 1) * ref.stride[d];
  return last + 1;
}

function isContiguous(shape: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

/** Copies a strided view into a contiguous row-major array. */
function gather(values: Float32Array, shape: number[], stride: number[]): Float32Array {
  const out = new Float32Array(numelOf(shape));
  const index = new Array<number>(shape.length).fill(0);
  let source = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = values[source];
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d]++;
      source += stride[d];
      if (index[d] < shape[d]) break;
      source -= stride[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}
