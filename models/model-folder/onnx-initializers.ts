import { dirname, join } from 'node:path';
import type { DataType } from '../onnx/model.ts';
import { modelCorrupt } from '../checkpoint/errors.ts';
import { RandomAccessFile } from '../checkpoint/random-access-file.ts';

/** An initializer of a written ONNX model and where its bytes are: inline in model.onnx or in an external data file. */
export interface StoredInitializer {
  name: string;
  dataType: DataType;
  dims: number[];
  /** Absolute path of the file holding the bytes. */
  file: string;
  offset: number;
  length: number;
}

const DATA_TYPES: Record<number, DataType> = { 1: 'float32', 2: 'uint8', 3: 'int8', 6: 'int32', 7: 'int64', 9: 'bool', 10: 'float16' };

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const NODE_OP_TYPE = 4;
const TENSOR = { dims: 1, dataType: 2, name: 8, rawData: 9, externalData: 13 } as const;
const VARINT = 0;
const LENGTH_DELIMITED = 2;

interface Field {
  field: number;
  wireType: number;
  /** Varint value, or the length of a length-delimited field. */
  value: number;
  /** Where a length-delimited field's bytes start. */
  start: number;
  end: number;
}

/**
 * The initializers of the ONNX model at `path` with the location of their raw bytes, read from the
 * protobuf without loading any weights (inline weights are skipped by their length). Only what
 * latentflow's writer produces is understood: raw_data, or external data by location/offset/length.
 */
export function readOnnxInitializers(path: string): Map<string, StoredInitializer> {
  const file = RandomAccessFile.open(path);
  try {
    const found = new Map<string, StoredInitializer>();
    const graph = [...fields(file, 0, file.size)].find((f) => f.field === MODEL_GRAPH && f.wireType === LENGTH_DELIMITED);
    if (!graph) return found;
    for (const entry of fields(file, graph.start, graph.end)) {
      if (entry.field !== GRAPH_INITIALIZER || entry.wireType !== LENGTH_DELIMITED) continue;
      const init = initializer(file, entry, dirname(path));
      found.set(init.name, init);
    }
    return found;
  } catch (error) {
    throw modelCorrupt(path, error);
  } finally {
    file.close();
  }
}

/** The op types of the nodes of the ONNX model's main graph at `path`, read from the protobuf without loading any weights. */
export function readOnnxOpTypes(path: string): Set<string> {
  const file = RandomAccessFile.open(path);
  try {
    const found = new Set<string>();
    const graph = [...fields(file, 0, file.size)].find((f) => f.field === MODEL_GRAPH && f.wireType === LENGTH_DELIMITED);
    if (!graph) return found;
    for (const node of fields(file, graph.start, graph.end)) {
      if (node.field !== GRAPH_NODE || node.wireType !== LENGTH_DELIMITED) continue;
      const opType = [...fields(file, node.start, node.end)].find((f) => f.field === NODE_OP_TYPE && f.wireType === LENGTH_DELIMITED);
      if (opType) found.add(text(file, opType));
    }
    return found;
  } catch (error) {
    throw modelCorrupt(path, error);
  } finally {
    file.close();
  }
}

function initializer(file: RandomAccessFile, tensor: Field, folder: string): StoredInitializer {
  const dims: number[] = [];
  let name = '';
  let dataType: DataType | undefined;
  let raw: Field | undefined;
  const external: Record<string, string> = {};
  for (const f of fields(file, tensor.start, tensor.end)) {
    if (f.field === TENSOR.dims && f.wireType === VARINT) dims.push(f.value);
    else if (f.field === TENSOR.dims && f.wireType === LENGTH_DELIMITED) dims.push(...packedVarints(file.read(f.start, f.value)));
    else if (f.field === TENSOR.dataType && f.wireType === VARINT) dataType = DATA_TYPES[f.value];
    else if (f.field === TENSOR.name) name = text(file, f);
    else if (f.field === TENSOR.rawData) raw = f;
    else if (f.field === TENSOR.externalData) {
      const entry = [...fields(file, f.start, f.end)];
      const key = entry.find((e) => e.field === 1);
      const value = entry.find((e) => e.field === 2);
      if (key && value) external[text(file, key)] = text(file, value);
    }
  }
  if (dataType === undefined) throw new Error(`initializer ${name} has an element type this reader does not know`);
  if (raw) return { name, dataType, dims, file: file.path, offset: raw.start, length: raw.value };
  if (external.location === undefined) throw new Error(`initializer ${name} has neither raw_data nor external data`);
  if (external.location.includes('..') || external.location.startsWith('/')) {
    throw new Error(`initializer ${name} refers to data outside the model folder: ${external.location}`);
  }
  return { name, dataType, dims, file: join(folder, external.location), offset: Number(external.offset ?? 0), length: Number(external.length) };
}

function* fields(file: RandomAccessFile, from: number, end: number): Generator<Field> {
  let at = from;
  while (at < end) {
    const head = file.read(at, Math.min(20, end - at));
    const tag = readVarint(head, 0);
    const wireType = tag.value % 8;
    const field = Math.floor(tag.value / 8);
    if (wireType === VARINT) {
      const value = readVarint(head, tag.next);
      yield { field, wireType, value: value.value, start: at + tag.next, end: at + value.next };
      at += value.next;
    } else if (wireType === LENGTH_DELIMITED) {
      const length = readVarint(head, tag.next);
      const start = at + length.next;
      if (start + length.value > end) throw new Error(`protobuf field ${field} runs past its message`);
      yield { field, wireType, value: length.value, start, end: start + length.value };
      at = start + length.value;
    } else if (wireType === 1 || wireType === 5) {
      at += tag.next + (wireType === 1 ? 8 : 4);
    } else {
      throw new Error(`unexpected protobuf wire type ${wireType}`);
    }
  }
}

const text = (file: RandomAccessFile, f: Field) => new TextDecoder().decode(file.read(f.start, f.value));

function packedVarints(bytes: Uint8Array): number[] {
  const values: number[] = [];
  for (let at = 0; at < bytes.length; ) {
    const v = readVarint(bytes, at);
    values.push(v.value);
    at = v.next;
  }
  return values;
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
