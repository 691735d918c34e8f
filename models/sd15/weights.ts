import type { GraphBuilder } from '../onnx/graph.ts';
import type { DataType, TensorValues } from '../onnx/model.ts';
import type { QuantizedConvWeights } from '../onnx/ops.ts';
import { nearestUpsampleConvPhases } from '../onnx/decoder-ops.ts';
import { quantizeColumns, quantizeFilters } from '../onnx/quantize.ts';
import { transpose } from './transpose.ts';
import type { QuantizedFilters, QuantizedMatrix } from '../onnx/quantize.ts';

/** Reads one checkpoint tensor (CompVis name) as float32; called lazily, while the model is written. */
export type WeightSource = (checkpointKey: string) => Float32Array;

/** Declares checkpoint tensors as initializers of a graph, in the layouts the ops need. */
export class CheckpointWeights {
  private readonly declared = new Set<string>();
  /** Values and scales are separate initializers written one after the other: quantise once. */
  private lastQuantized?: { key: string; result: QuantizedMatrix | QuantizedFilters };

  constructor(
    private readonly g: GraphBuilder,
    private readonly source: WeightSource,
    private readonly shapes: Map<string, number[]>,
  ) {}

  /** The tensor as stored. */
  tensor(key: string): string {
    const shape = this.shape(key);
    return this.declare(key, shape, () => this.load(key));
  }

  /** A linear weight [out, in] (or 1x1 conv [out, in, 1, 1]) as the [in, out] matrix MatMul needs. */
  matrix(key: string): string {
    const [out] = this.shape(key);
    return this.matrixRows(key, 0, out);
  }

  /** Output rows [start, end) of a linear weight, transposed to [in, end - start]. */
  matrixRows(key: string, start: number, end: number): string {
    const [out, ...rest] = this.shape(key);
    const inputs = rest.reduce((n, d) => n * d, 1);
    const name = start === 0 && end === out ? `${key}:T` : `${key}[${start}:${end}]:T`;
    return this.declare(name, [inputs, end - start], () => {
      const rows = this.load(key).subarray(start * inputs, end * inputs);
      return transpose(rows, end - start, inputs);
    });
  }

  /** Elements [start, end) of a vector. */
  slice(key: string, start: number, end: number): string {
    this.shape(key);
    return this.declare(`${key}[${start}:${end}]`, [end - start], () => this.load(key).slice(start, end));
  }

  /** A 3x3 conv filter [out, in, 3, 3] after nearest 2x upsampling, as the four 2x2 phase filters of `nearestUpsampleConv3x3`. */
  upsampleConvPhases(key: string): string[] {
    const [out, inputs] = this.shape(key);
    return [0, 1, 2, 3].map((p) => this.declare(`${key}:phase${p}`, [out, inputs, 2, 2], () => nearestUpsampleConvPhases(this.load(key), out, inputs)[p]));
  }

  /** A linear weight as int8 [in, out] with per-column scales, for `quantizedLinear`. */
  quantizedMatrix(key: string): { weight: string; scales: string } {
    const [out] = this.shape(key);
    return this.quantizedMatrixRows(key, 0, out);
  }

  /** Output rows [start, end) of a linear weight, quantised like `quantizedMatrix`. */
  quantizedMatrixRows(key: string, start: number, end: number): { weight: string; scales: string } {
    const [, ...rest] = this.shape(key);
    const inputs = rest.reduce((n, d) => n * d, 1);
    const columns = end - start;
    const name = `${key}[${start}:${end}]:T`;
    const quantized = () => this.quantized(name, () => {
      const rows = this.load(key).subarray(start * inputs, end * inputs);
      return quantizeColumns(transpose(rows, columns, inputs), inputs, columns);
    }) as QuantizedMatrix;
    return {
      weight: this.declareTyped(`${name}:int8`, 'int8', [inputs, columns], () => quantized().values),
      scales: this.declare(`${name}:scales`, [columns], () => quantized().scales),
    };
  }

  /** Conv filters as uint8 around 128 with per-channel scales, and the bias as [C, 1, 1], for `quantizedConv2d`. */
  quantizedConv(key: string): QuantizedConvWeights {
    const shape = this.shape(`${key}.weight`);
    const quantized = () => this.quantized(`${key}.weight`, () => quantizeFilters(this.load(`${key}.weight`), shape[0])) as QuantizedFilters;
    return {
      weight: this.declareTyped(`${key}.weight:uint8`, 'uint8', shape, () => quantized().values),
      zeroPoint: this.declareTyped('uint8_zero_point_128', 'uint8', [], () => Uint8Array.of(128)),
      scales: this.declare(`${key}.weight:scales`, [shape[0], 1, 1], () => quantized().scales),
      bias: this.declare(`${key}.bias:C11`, [shape[0], 1, 1], () => this.load(`${key}.bias`)),
    };
  }

  private quantized(key: string, compute: () => QuantizedMatrix | QuantizedFilters): QuantizedMatrix | QuantizedFilters {
    if (this.lastQuantized?.key !== key) this.lastQuantized = { key, result: compute() };
    return this.lastQuantized.result;
  }

  /** Each initializer is declared once, however many nodes use it. */
  private declare(name: string, dims: number[], data: () => Float32Array): string {
    return this.declareTyped(name, 'float32', dims, data);
  }

  private declareTyped(name: string, dataType: DataType, dims: number[], data: () => TensorValues): string {
    if (!this.declared.has(name)) this.g.initializer(name, dataType, dims, data);
    this.declared.add(name);
    return name;
  }

  shape(key: string): number[] {
    const shape = this.shapes.get(key);
    if (!shape) throw new Error(`no expected shape for checkpoint tensor ${key}`);
    return shape;
  }

  load(key: string): Float32Array {
    const data = this.source(key);
    const expected = this.shape(key).reduce((n, d) => n * d, 1);
    if (data.length !== expected) {
      throw new Error(`checkpoint tensor ${key} has ${data.length} values, expected ${expected} for shape [${this.shape(key).join(', ')}]`);
    }
    return data;
  }
}

