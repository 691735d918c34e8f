import type { Attribute, DataType, Initializer, OnnxGraph, OnnxModel, OnnxNode, TensorValues, ValueInfo } from './model.ts';

export type AttributeInput = number | string | number[] | Attribute;

export interface NodeOptions {
  domain?: string;
  /** Number of outputs (default 1). */
  outputs?: number;
  name?: string;
}

/** The opsets our graphs use: ONNX 21 (GroupNormalization with per-channel scale) and ORT's contrib ops. */
export const DEFAULT_OPSETS: Record<string, number> = { '': 21, 'com.microsoft': 1 };
/** IR version 10 goes with opset 21. */
export const DEFAULT_IR_VERSION = 10;

/**
 * Builds an ONNX graph: values are named strings, each node call returns its output names.
 * Integer attribute values are written as ints; floats must be given as `float(x)` (1.0 is an
 * integer in JavaScript).
 */
export class GraphBuilder {
  /** Where nodes go: the graph's own list, or a branch's while `ifElse` builds it. */
  private nodes: OnnxNode[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly used = new Set<string>();
  private readonly constants = new Map<string, string>();
  private counter = 0;

  input(name: string, dataType: DataType, dims: (number | string)[]): string {
    this.claim(name);
    this.inputs.push({ name, dataType, dims });
    return name;
  }

  /** Declares `value` as the graph output `name` (through an Identity node when the names differ). */
  output(value: string, name: string, dataType: DataType, dims?: (number | string)[]): void {
    if (value !== name) this.node('Identity', [value], {}, { name }, [name]);
    this.outputs.push({ name, dataType, dims });
  }

  op(opType: string, inputs: string[], attributes: Record<string, AttributeInput> = {}, options: Omit<NodeOptions, 'outputs'> = {}): string {
    return this.node(opType, inputs, attributes, options)[0];
  }

  node(
    opType: string, inputs: string[], attributes: Record<string, AttributeInput> = {},
    options: NodeOptions = {}, outputNames?: string[],
  ): string[] {
    const name = options.name ?? this.fresh(opType);
    const outputs = outputNames ?? Array.from({ length: options.outputs ?? 1 }, (_, i) => this.fresh(`${name}_out${i}`));
    outputNames?.forEach((output) => this.claim(output));
    const typed: Record<string, Attribute> = {};
    for (const [key, value] of Object.entries(attributes)) typed[key] = toAttribute(value);
    this.nodes.push({ opType, domain: options.domain ?? '', name, inputs, outputs, attributes: typed });
    return outputs;
  }

  /**
   * An ONNX If on the one-element bool `condition`: each branch function adds its nodes (they may use every
   * value built so far; the weights and constants they ask for are initializers of the whole graph) and returns
   * its result, which must be of type `result`. Returns the If's output.
   */
  ifElse(condition: string, result: Omit<ValueInfo, 'name'>, thenBranch: () => string, elseBranch: () => string): string {
    const name = this.fresh('If');
    const branch = (label: string, body: () => string): Attribute => {
      const outer = this.nodes;
      const nodes: OnnxNode[] = [];
      this.nodes = nodes;
      try {
        let value = body();
        // A branch's output must be made inside it.
        if (!nodes.some((node) => node.outputs.includes(value))) value = this.op('Identity', [value]);
        const graph: OnnxGraph = { name: `${name}_${label}`, nodes, initializers: [], inputs: [], outputs: [{ ...result, name: value }] };
        return { type: 'graph', value: graph };
      } finally {
        this.nodes = outer;
      }
    };
    const then_branch = branch('then', thenBranch);
    const else_branch = branch('else', elseBranch);
    return this.op('If', [condition], { then_branch, else_branch }, { name });
  }

  /** A named tensor whose data is produced only when the model is written. */
  initializer(name: string, dataType: DataType, dims: number[], data: () => TensorValues): string {
    this.claim(name);
    this.initializers.push({ name, dataType, dims, data });
    return name;
  }

  /** A small constant tensor, shared by every use of the same values. */
  constant(dataType: 'float32' | 'int64', values: number[], dims: number[] = [values.length]): string {
    const key = `${dataType}:${dims.join('x')}:${values.join(',')}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = this.fresh(`const_${dataType}`);
    const data = dataType === 'int64' ? () => BigInt64Array.from(values, BigInt) : () => Float32Array.from(values);
    this.initializers.push({ name, dataType, dims, data });
    this.constants.set(key, name);
    return name;
  }

  build(name: string, opsets: Record<string, number> = DEFAULT_OPSETS, producer = 'latentflow'): OnnxModel {
    return {
      graph: {
        name,
        nodes: [...this.nodes],
        initializers: [...this.initializers],
        inputs: [...this.inputs],
        outputs: [...this.outputs],
      },
      opsets,
      irVersion: DEFAULT_IR_VERSION,
      producer,
    };
  }

  private fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`; while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new Error(`duplicate value name in ONNX graph: ${name}`);
    this.used.add(name);
  }
}

export function float(value: number): Attribute {
  return { type: 'float', value };
}

export function floats(value: number[]): Attribute {
  return { type: 'floats', value };
}

function toAttribute(value: AttributeInput): Attribute {
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute value ${value} is not an integer; use float()`);
    return { type: 'int', value };
  }
  if (Array.isArray(value)) {
    if (!value.every(Number.isInteger)) throw new Error(`attribute values ${value} are not integers; use floats()`);
    return { type: 'ints', value };
  }
  return value;
}
