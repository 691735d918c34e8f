/** The in-memory form of an ONNX model: a plain description whose tensor data is loaded lazily. */

export type DataType = 'float32' | 'float16' | 'int8' | 'uint8' | 'int32' | 'int64' | 'bool';

export type TensorValues = Float32Array | Uint16Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

export type Attribute =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  /** A subgraph (an If's branches): it has no initializers and may use every value of the graphs around it. */
  | { type: 'graph'; value: OnnxGraph };

export interface OnnxNode {
  opType: string;
  /** '' for the default ONNX domain, e.g. 'com.microsoft' for ORT's contrib ops. */
  domain: string;
  name: string;
  /** '' marks an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: Record<string, Attribute>;
}

/** A tensor value of the graph whose data is produced on demand (e.g. read from a checkpoint). */
export interface Initializer {
  name: string;
  dataType: DataType;
  dims: number[];
  data: () => TensorValues;
}

export interface ValueInfo {
  name: string;
  dataType: DataType;
  /** Numbers are fixed sizes; strings name symbolic (dynamic) dimensions such as 'batch'. Omitted: any shape. */
  dims?: (number | string)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: Initializer[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export interface OnnxModel {
  graph: OnnxGraph;
  /** Opset version per domain ('' is the default ONNX domain). */
  opsets: Record<string, number>;
  irVersion: number;
  producer: string;
}

const BYTES_PER_ELEMENT: Record<DataType, number> = {
  float32: 4, float16: 2, int8: 1, uint8: 1, int32: 4, int64: 8, bool: 1,
};

export function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

export function initializerByteLength(init: Initializer): number {
  return elementCount(init.dims) * BYTES_PER_ELEMENT[init.dataType];
}
