import { DTYPE_BYTES, numelOf, type DType, type TensorInfo, type TensorSource } from './types.ts';
import { corrupt, tensorNotFound, truncated, unsupported } from './errors.ts';
import { toFloat32 } from './dtype.ts';
import { RandomAccessFile } from './random-access-file.ts';

interface Located extends TensorInfo {
  begin: number;
  end: number;
}

/** A header over 100 MB is not a real safetensors file; refuse before allocating it. */
const MAX_HEADER_BYTES = 100_000_000;

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** Opens a `.safetensors` file: u64 LE header length, JSON header, then the raw tensor bytes. */
export function openSafetensors(path: string, file = RandomAccessFile.open(path)): TensorSource {
  try {
    return new SafetensorsSource(path, file, readHeader(path, file));
  } catch (error) {
    file.close();
    throw error;
  }
}

export function readSafetensorsHeaderLength(file: RandomAccessFile): number {
  if (file.size < 8) return -1;
  const bytes = file.read(0, 8);
  return Number(new DataView(bytes.buffer).getBigUint64(0, true));
}

function readHeader(path: string, file: RandomAccessFile): Located[] {
  const headerLength = readSafetensorsHeaderLength(file);
  if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) throw corrupt(path, `implausible safetensors header length ${headerLength}`);
  if (8 + headerLength > file.size) throw truncated(path, `the safetensors header needs ${headerLength} bytes, the file has ${file.size - 8}`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(file.read(8, headerLength)));
  } catch (error) {
    throw corrupt(path, 'the safetensors header is not valid JSON', error);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw corrupt(path, 'the safetensors header is not a JSON object');
  const dataStart = 8 + headerLength;
  const tensors: Located[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (value ?? {}) as { dtype?: string; shape?: number[]; data_offsets?: number[] };
    if (typeof dtype !== 'string' || !Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2) {
      throw corrupt(path, `the safetensors header entry for ${name} lacks dtype, shape or data_offsets`);
    }
    if (!(dtype in DTYPE_BYTES)) throw unsupported(path, `tensor ${name} has dtype ${dtype}`);
    const [begin, end] = offsets;
    if (!shape.every(isCount)) throw corrupt(path, `tensor ${name} has an invalid shape [${shape}]`);
    if (!isCount(begin) || !isCount(end) || end < begin) {
      throw corrupt(path, `tensor ${name}: data_offsets [${begin}, ${end}] are not a range after the header (offsets count from byte ${dataStart})`);
    }
    if (end - begin !== numelOf(shape) * DTYPE_BYTES[dtype as DType]) {
      throw corrupt(path, `tensor ${name}: data_offsets [${begin}, ${end}] do not match ${dtype} [${shape}]`);
    }
    if (dataStart + end > file.size) throw truncated(path, `tensor ${name} ends at byte ${dataStart + end}, the file has ${file.size}`);
    tensors.push({ name, dtype: dtype as DType, shape, begin: dataStart + begin, end: dataStart + end });
  }
  const ordered = tensors.filter((t) => t.end > t.begin).sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i].begin < ordered[i - 1].end) {
      throw corrupt(path, `tensors ${ordered[i - 1].name} and ${ordered[i].name} overlap (bytes ${ordered[i].begin}-${ordered[i - 1].end} belong to both)`);
    }
  }
  return tensors;
}

class SafetensorsSource implements TensorSource {
  readonly format = 'safetensors';
  readonly tensors: TensorInfo[];
  private readonly byName: Map<string, Located>;

  constructor(
    readonly path: string,
    private readonly file: RandomAccessFile,
    located: Located[],
  ) {
    this.tensors = located.map(({ name, dtype, shape }) => ({ name, dtype, shape }));
    this.byName = new Map(located.map((t) => [t.name, t]));
  }

  info(name: string): TensorInfo | undefined {
    const found = this.byName.get(name);
    return found && { name: found.name, dtype: found.dtype, shape: found.shape };
  }

  readSync(name: string): Float32Array {
    const tensor = this.byName.get(name);
    if (!tensor) throw tensorNotFound(this.path, name);
    return toFloat32(this.file.read(tensor.begin, tensor.end - tensor.begin), tensor.dtype, numelOf(tensor.shape));
  }

  read(name: string): Promise<Float32Array> {
    return new Promise((resolve) => resolve(this.readSync(name)));
  }

  close(): void {
    this.file.close();
  }
}
