// A hand-written ONNX encoder for the few ops these tests need, independent of models/onnx.
type Field = Uint8Array;

function varint(value: number): number[] {
  const out: number[] = [];
  let v = BigInt(value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const concat = (parts: (Field | number[])[]): Field => Uint8Array.from(parts.flatMap((p) => [...p]));
const intField = (n: number, v: number): Field => concat([varint(n << 3), varint(v)]);
const bytesField = (n: number, b: Field): Field => concat([varint((n << 3) | 2), varint(b.length), b]);
const strField = (n: number, s: string): Field => bytesField(n, new TextEncoder().encode(s));

const FLOAT = 1;

function valueInfo(name: string, dims: (number | string)[]): Field {
  const shape = concat(dims.map((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : strField(2, d))));
  const tensorType = concat([intField(1, FLOAT), bytesField(2, shape)]);
  return concat([strField(1, name), bytesField(2, bytesField(1, tensorType))]);
}

function initializer(name: string, dims: number[], values: Float32Array): Field {
  return concat([...dims.map((d) => intField(1, d)), intField(2, FLOAT), strField(8, name), bytesField(9, new Uint8Array(values.buffer))]);
}

function node(op: string, inputs: string[], outputs: string[]): Field {
  return concat([...inputs.map((i) => strField(1, i)), ...outputs.map((o) => strField(2, o)), strField(4, op)]);
}

/** y = x + 1 over a float tensor of any shape [n]. */
export function addOneModel(): Uint8Array {
  const graph = concat([
    bytesField(1, node('Add', ['x', 'one'], ['y'])),
    strField(2, 'add_one'),
    bytesField(5, initializer('one', [1], Float32Array.of(1))),
    bytesField(11, valueInfo('x', ['n'])),
    bytesField(12, valueInfo('y', ['n'])),
  ]);
  return concat([intField(1, 8), bytesField(8, concat([strField(1, ''), intField(2, 17)])), bytesField(7, graph)]);
}

/** y = x·W·W·…·W (`depth` MatMuls of size×size): slow enough to keep a core busy for a while. */
export function slowMatMulModel(size: number, depth: number): Uint8Array {
  const w = new Float32Array(size * size).map((_, i) => ((i * 7919) % 17) / (17 * size));
  const nodes: Field[] = [];
  for (let i = 0; i < depth; i++) nodes.push(bytesField(1, node('MatMul', [i === 0 ? 'x' : `h${i}`, 'w'], [i === depth - 1 ? 'y' : `h${i + 1}`])));
  const graph = concat([
    ...nodes,
    strField(2, 'slow'),
    bytesField(5, initializer('w', [size, size], w)),
    bytesField(11, valueInfo('x', [size, size])),
    bytesField(12, valueInfo('y', [size, size])),
  ]);
  return concat([intField(1, 8), bytesField(8, concat([strField(1, ''), intField(2, 17)])), bytesField(7, graph)]);
}
