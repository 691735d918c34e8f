import { DTYPE_BYTES, numelOf, type TensorInfo, type TensorSource } from './types.ts';
import { corrupt, tensorNotFound, unsupported } from './errors.ts';
import { toFloat32 } from './dtype.ts';
import { RandomAccessFile } from './random-access-file.ts';
import { ZipArchive, type ZipEntry } from './zip-archive.ts';
import { readStateDict, type TensorRef } from './torch-pickle.ts';

/** Opens a PyTorch `.ckpt`/`.pt` zip checkpoint. Only the pickle and the zip directory are read now. */
export function openCkpt(path: string, file = RandomAccessFile.open(path)): TensorSource {
  try {
    const archive = ZipArchive.open(file);
    const pickleName = [...archive.entries.keys()].find((name) => name.endsWith('/data.pkl') || name === 'data.pkl');
    if (pickleName === undefined) throw corrupt(path, 'the zip has no data.pkl (not a PyTorch checkpoint)');
    const prefix = pickleName.slice(0, -'data.pkl'.length);
    if (archive.entries.has(`${prefix}byteorder`) && new TextDecoder().decode(archive.readEntry(`${prefix}byteorder`)) !== 'little') {
      throw unsupported(path, 'big-endian tensor data');
    }
    const refs = readStateDict(archive.readEntry(pickleName), path);
    return new CkptSource(path, file, archive, prefix, refs);
  } catch (error) {
    file.close();
    throw error;
  }
}

class CkptSource implements TensorSource {
  readonly format = 'ckpt';
  readonly tensors: TensorInfo[];
  private readonly byName: Map<string, TensorInfo>;

  constructor(
    readonly path: string,
    private readonly file: RandomAccessFile,
    private readonly archive: ZipArchive,
    private readonly prefix: string,
    private readonly refs: Map<string, TensorRef>,
  ) {
    this.tensors = [...refs].map(([name, ref]) => ({ name, dtype: ref.storage.dtype, shape: ref.shape }));
    this.byName = new Map(this.tensors.map((t) => [t.name, t]));
  }

  info(name: string): TensorInfo | undefined {
    return this.byName.get(name);
  }

  readSync(name: string): Float32Array {
    const ref = this.refs.get(name);
    if (!ref) throw tensorNotFound(this.path, name);
    const numel = numelOf(ref.shape);
    if (numel === 0) return new Float32Array(0);
    const { dtype } = ref.storage;
    const entry = this.storageEntry(ref);
    const span = viewSpan(ref);
    const elementBytes = DTYPE_BYTES[dtype];
    if ((ref.offset + span) * elementBytes > entry.size) {
      throw corrupt(this.path, `tensor ${name} reaches past the end of its storage ${ref.storage.key}`);
    }
    const bytes = this.file.read(this.archive.dataOffset(entry) + ref.offset * elementBytes, span * elementBytes);
    const values = toFloat32(bytes, dtype, span);
    return isContiguous(ref.shape, ref.stride) ? values : gather(values, ref.shape, ref.stride);
  }

  read(name: string): Promise<Float32Array> {
    return new Promise((resolve) => resolve(this.readSync(name)));
  }

  close(): void {
    this.file.close();
  }

  private storageEntry(ref: TensorRef): ZipEntry {
    const entryName = `${this.prefix}data/${ref.storage.key}`;
    const entry = this.archive.entries.get(entryName);
    if (!entry) throw corrupt(this.path, `storage ${entryName} is missing from the zip`);
    return entry;
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
