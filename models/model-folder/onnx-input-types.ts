import { modelCorrupt } from '../checkpoint/errors.ts';
import { RandomAccessFile } from '../checkpoint/random-access-file.ts';

/** ONNX TensorProto.DataType numbers of the element types a model input may have. */
const ELEMENT_TYPES: Record<number, string> = { 1: 'float32', 6: 'int32', 7: 'int64', 10: 'float16', 11: 'float64' };

const MODEL_GRAPH = 7;
const GRAPH_INPUT = 11;
const VALUE_INFO_NAME = 1;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_ELEMENT_TYPE = 1;
const LENGTH_DELIMITED = 2;

/**
 * Element type of each graph input of an ONNX model, read from the protobuf without loading it:
 * everything else (weights stored inline included) is skipped by its length.
 */
export function readOnnxInputTypes(path: string): Map<string, string> {
  const file = RandomAccessFile.open(path);
  try {
    return inputTypes(file);
  } catch (error) {
    throw modelCorrupt(path, error);
  } finally {
    file.close();
  }
}

function inputTypes(file: RandomAccessFile): Map<string, string> {
  const types = new Map<string, string>();
  const graph = findField(file, 0, file.size, MODEL_GRAPH);
  if (!graph) return types;
  for (let at = graph.start; ; ) {
    const input = findField(file, at, graph.end, GRAPH_INPUT);
    if (!input) break;
    const { name, elementType } = parseValueInfo(file.read(input.start, input.end - input.start));
    if (name !== undefined) types.set(name, ELEMENT_TYPES[elementType ?? -1] ?? `onnx type ${elementType}`);
    at = input.end;
  }
  return types;
}

interface Span {
  start: number;
  end: number;
}

/** The next length-delimited field `wanted` in [from, end), skipping every other field. */
function findField(file: RandomAccessFile, from: number, end: number, wanted: number): Span | undefined {
  let at = from;
  while (at < end) {
    const head = file.read(at, Math.min(20, end - at));
    const tag = readVarint(head, 0);
    const wireType = tag.value % 8;
    const field = Math.floor(tag.value / 8);
    let next = tag.next;
    if (wireType === 0) next = readVarint(head, next).next;
    else if (wireType === 1) next += 8;
    else if (wireType === 5) next += 4;
    else if (wireType === LENGTH_DELIMITED) {
      const length = readVarint(head, next);
      if (field === wanted) return { start: at + length.next, end: at + length.next + length.value };
      next = length.next + length.value;
    } else {
      throw new Error(`unexpected protobuf wire type ${wireType}`);
    }
    at += next;
  }
  return undefined;
}

function parseValueInfo(bytes: Uint8Array): { name?: string; elementType?: number } {
  const result: { name?: string; elementType?: number } = {};
  forEachField(bytes, (field, value) => {
    if (field === VALUE_INFO_NAME && value instanceof Uint8Array) result.name = new TextDecoder().decode(value);
    if (field === VALUE_INFO_TYPE && value instanceof Uint8Array) {
      forEachField(value, (typeField, tensorType) => {
        if (typeField !== TYPE_TENSOR || !(tensorType instanceof Uint8Array)) return;
        forEachField(tensorType, (tensorField, elementType) => {
          if (tensorField === TENSOR_ELEMENT_TYPE && typeof elementType === 'number') result.elementType = elementType;
        });
      });
    }
  });
  return result;
}

function forEachField(bytes: Uint8Array, visit: (field: number, value: number | Uint8Array) => void): void {
  let at = 0;
  while (at < bytes.length) {
    const tag = readVarint(bytes, at);
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    at = tag.next;
    if (wireType === 0) {
      const value = readVarint(bytes, at);
      visit(field, value.value);
      at = value.next;
    } else if (wireType === LENGTH_DELIMITED) {
      const length = readVarint(bytes, at);
      visit(field, bytes.subarray(length.next, length.next + length.value));
      at = length.next + length.value;
    } else {
      at += wireType === 1 ? 8 : 4;
    }
  }
}

function readVarint(bytes: Uint8Array, from: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  let at = from;
  for (;;) {
    if (at >= bytes.length) throw new Error('truncated protobuf varint');
    const byte = bytes[at++];
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, next: at };
    scale *= 128;
  }
}
