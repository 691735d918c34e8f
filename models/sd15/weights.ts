import type { GraphBuilder } from '../onnx/graph.ts';

/** Reads one checkpoint tensor (CompVis name) as float32; called lazily, while the model is written. */
export type WeightSource = (checkpointKey: string) => Float32Array;

/** Declares checkpoint tensors as initializers of a graph, in the layouts the ops need. */
export class CheckpointWeights {
  private readonly declared = new Set<string>();

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

  /** Each initializer is declared once, however many nodes use it. */
  private declare(name: string, dims: number[], data: () => Float32Array): string {
    if (!this.declared.has(name)) this.g.initializer(name, 'float32', dims, data);
    this.declared.add(name);
    return name;
  }

  private shape(key: string): number[] {
    const shape = this.shapes.get(key);
    if (!shape) throw new Error(`no expected shape for checkpoint tensor ${key}`);
    return shape;
  }

  private load(key: string): Float32Array {
    const data = this.source(key);
    const expected = this.shape(key).reduce((n, d) => n * d, 1);
    if (data.length !== expected) {
      throw new Error(`checkpoint tensor ${key} has ${data.length} values, expected ${expected} for shape [${this.shape(key).join(', ')}]`);
    }
    return data;
  }
}

function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  }
  return out;
}
