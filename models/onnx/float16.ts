import type { Initializer, OnnxModel, OnnxNode } from './model.ts';

const view = new DataView(new ArrayBuffer(4));

/** IEEE half precision bits of a float32, rounded to nearest even (overflow gives infinity). */
export function float32ToFloat16Bits(value: number): number {
  view.setFloat32(0, value);
  const bits = view.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    const full = mantissa | 0x800000;
    const shift = 14 - halfExponent;
    return sign | roundShift(full, shift);
  }
  return sign | ((halfExponent << 10) + roundShift(mantissa, 13));
}

/** value >> shift, rounded to nearest even; a carry into the exponent is intended. */
function roundShift(value: number, shift: number): number {
  const truncated = value >>> shift;
  const remainder = value - truncated * 2 ** shift;
  const half = 2 ** (shift - 1);
  if (remainder > half || (remainder === half && (truncated & 1) === 1)) return truncated + 1;
  return truncated;
}

export function toFloat16(values: Float32Array): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float32ToFloat16Bits(values[i]);
  return out;
}

/**
 * Stores every float32 initializer of at least `minElements` values as float16, with a Cast back
 * to float32 in front of the graph: half the file size, same float32 compute.
 */
export function withFloat16Weights(model: OnnxModel, minElements = 1024): OnnxModel {
  const casts: OnnxNode[] = [];
  const initializers: Initializer[] = model.graph.initializers.map((init) => {
    const count = init.dims.reduce((n, d) => n * d, 1);
    if (init.dataType !== 'float32' || count < minElements) return init;
    const stored = `${init.name}::fp16`;
    casts.push({
      opType: 'Cast', domain: '', name: `cast_${init.name}`, inputs: [stored], outputs: [init.name],
      attributes: { to: { type: 'int', value: 1 } },
    });
    return { name: stored, dataType: 'float16', dims: init.dims, data: () => toFloat16(init.data() as Float32Array) };
  });
  return { ...model, graph: { ...model.graph, initializers, nodes: [...casts, ...model.graph.nodes] } };
}
