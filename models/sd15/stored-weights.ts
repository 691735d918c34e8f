import type { StoredInitializer } from '../model-folder/onnx-initializers.ts';
import { RandomAccessFile } from '../checkpoint/random-access-file.ts';
import { toFloat32 } from '../checkpoint/dtype.ts';
import { transpose } from './transpose.ts';
import { nearestUpsampleConvFromPhases } from '../onnx/decoder-ops.ts';
import type { ActivationQuantization } from '../onnx/qdq.ts';

/**
 * Reads checkpoint tensors (CompVis names and layouts, float32) back from the initializers of a
 * network that CheckpointWeights declared: the inverse of its naming scheme
 * `key[start:end]:T:int8`, `key:uint8`, `key:scales`, `key:C11`, `key:phase0..3` (an upsampling conv's phase
 * filters), and `::fp16` for float16 storage, and of staticInt8Layers: `key:int8` (conv filters),
 * `key[start:end]:int8` (linear, [in, out]), `key:int32` (conv bias) and the activation scales.
 * int8 weights come back dequantised, phase filters as the 3x3 filter.
 */
export class StoredWeights {
  private readonly byKey = new Map<string, Piece[]>();
  private readonly byName = new Map<string, StoredInitializer>();

  constructor(initializers: Iterable<StoredInitializer>) {
    for (const init of initializers) {
      this.byName.set(init.name, init);
      const piece = parsePiece(init);
      if (!piece) continue;
      const list = this.byKey.get(piece.key) ?? [];
      list.push(piece);
      this.byKey.set(piece.key, list);
    }
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** The tensor `key` of shape `shape`, as the checkpoint held it. */
  read(key: string, shape: readonly number[]): Float32Array {
    const pieces = this.byKey.get(key) ?? [];
    const count = shape.reduce((n, d) => n * d, 1);
    const rows = shape[0];
    const inner = count / rows;
    const out = new Float32Array(count);
    let filled = 0;
    const values = (role: Piece['role']) => pieces.find((p) => p.role === role && p.start === undefined && !p.transposed);
    const whole = values('value') ?? values('C11');
    if (whole) {
      out.set(readFloats(whole.init));
      return checked(key, out, whole.init.dims.reduce((n, d) => n * d, 1), count);
    }
    const phases = (['phase0', 'phase1', 'phase2', 'phase3'] as const).map(values);
    if (phases.every((p) => p !== undefined)) {
      const [outChannels, inChannels] = shape;
      return nearestUpsampleConvFromPhases(phases.map((p) => readFloats(p.init)), outChannels, inChannels);
    }
    const filters = values('uint8');
    if (filters) {
      const raw = readBytes(filters.init);
      const scales = readFloats(pieceOf(pieces, 'scales', undefined, key).init);
      for (let i = 0; i < count; i++) out[i] = (raw[i] - 128) * scales[Math.floor(i / inner)];
      return out;
    }
    const staticFilters = values('int8');
    if (staticFilters) {
      const raw = int8Values(staticFilters.init);
      const scales = readFloats(pieceOf(pieces, 'scales', undefined, key).init);
      for (let i = 0; i < count; i++) out[i] = raw[i] * scales[Math.floor(i / inner)];
      return checked(key, out, raw.length, count);
    }
    const accumulated = values('int32');
    if (accumulated) return this.staticConvBias(key, accumulated, out);
    for (const piece of pieces) {
      if (piece.role === 'scales') continue;
      const start = piece.start ?? 0;
      const end = piece.end ?? rows;
      if (!piece.transposed) {
        out.set(readFloats(piece.init), start);
        filled += end - start;
        continue;
      }
      const columns = end - start;
      const matrix = piece.role === 'int8' ? dequantized(piece, pieceOf(pieces, 'scales', piece.start, key)) : readFloats(piece.init);
      transpose(matrix, inner, columns, out.subarray(start * inner, end * inner));
      filled += columns;
    }
    return checked(key, out, filled, shape.length === 1 ? count : rows);
  }

  /** The scale and zero point a static int8 layer (checkpoint key without `.weight`) quantises its input or output with. */
  activationQuantization(layer: string, side: 'input' | 'output'): ActivationQuantization {
    const scale = this.initializer(`${layer}.weight:${side}_scale`);
    const zeroPoint = this.initializer(`${layer}.weight:${side}_zero_point`);
    return { scale: readFloats(scale)[0], zeroPoint: readBytes(zeroPoint)[0] };
  }

  /** A static int8 conv's bias back from the int32 accumulator's units: bias[c] * inputScale * weightScale[c]. */
  private staticConvBias(key: string, accumulated: Piece, out: Float32Array): Float32Array {
    const layer = key.replace(/\.bias$/, '');
    const raw = readBytes(accumulated.init);
    const values = new Int32Array(raw.buffer, raw.byteOffset, raw.length / 4);
    const inputScale = this.activationQuantization(layer, 'input').scale;
    const weightScales = readFloats(pieceOf(this.byKey.get(`${layer}.weight`) ?? [], 'scales', undefined, `${layer}.weight`).init);
    values.forEach((v, c) => { out[c] = v * inputScale * weightScales[c]; });
    return checked(key, out, values.length, out.length);
  }

  private initializer(name: string): StoredInitializer {
    const init = this.byName.get(name);
    if (!init) throw new Error(`the stored weights have no ${name}`);
    return init;
  }
}

interface Piece {
  key: string;
  role: 'value' | 'int8' | 'uint8' | 'int32' | 'scales' | 'C11' | 'phase0' | 'phase1' | 'phase2' | 'phase3';
  start?: number;
  end?: number;
  transposed: boolean;
  init: StoredInitializer;
}

const PIECE = /^([^:[]+)(?:\[(\d+):(\d+)\])?(:T)?(?::(int8|uint8|int32|scales|C11|phase[0-3]))?(?:::fp16)?$/;

function parsePiece(init: StoredInitializer): Piece | undefined {
  const match = PIECE.exec(init.name);
  if (!match) return undefined;
  const [, key, start, end, transposed, role] = match;
  // A static int8 linear slice `key[start:end]:int8` is stored [in, out] like the `:T` ones.
  const staticLinear = role === 'int8' && start !== undefined;
  const piece: Piece = { key, role: (role as Piece['role'] | undefined) ?? 'value', transposed: transposed !== undefined || staticLinear, init };
  if (start !== undefined) {
    piece.start = Number(start);
    piece.end = Number(end);
  }
  return piece;
}

function pieceOf(pieces: Piece[], role: Piece['role'], start: number | undefined, key: string): Piece {
  const found = pieces.find((p) => p.role === role && p.start === start);
  if (!found) throw new Error(`the stored weights of ${key} have no ${role}`);
  return found;
}

function dequantized(values: Piece, scales: Piece): Float32Array {
  const raw = int8Values(values.init);
  const scale = readFloats(scales.init);
  const columns = scale.length;
  const out = new Float32Array(raw.length);
  for (let row = 0; row < raw.length; row += columns) {
    for (let c = 0; c < columns; c++) out[row + c] = raw[row + c] * scale[c];
  }
  return out;
}

function checked(key: string, out: Float32Array, got: number, wanted: number): Float32Array {
  if (got !== wanted) throw new Error(`the stored weights of ${key} cover ${got} of ${wanted} rows`);
  return out;
}

function readBytes(init: StoredInitializer): Uint8Array {
  const file = RandomAccessFile.open(init.file);
  try {
    return file.read(init.offset, init.length);
  } finally {
    file.close();
  }
}

function int8Values(init: StoredInitializer): Int8Array {
  const bytes = readBytes(init);
  return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

function readFloats(init: StoredInitializer): Float32Array {
  const bytes = readBytes(init);
  if (init.dataType === 'float16') return toFloat32(bytes, 'F16', bytes.length / 2);
  if (init.dataType !== 'float32') throw new Error(`initializer ${init.name} is ${init.dataType}, expected float`);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}
