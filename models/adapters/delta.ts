/**
 * The weight change of one adapted layer, W' = W + strength * delta, for the three families of
 * low-rank adapters. Shapes follow the adapted weight: [out, in] or conv [out, in, kh, kw].
 *   LoRA (kohya, PEFT, diffusers; LoCon): delta = (alpha / rank) * up @ down, or with a Tucker core
 *   `mid` [rank, rank, kh, kw] (LoCon's lora_mid): up @ mid @ down over the rank axes.
 *   LoHa (LyCORIS): delta = (alpha / rank) * (w1_a @ w1_b) * (w2_a @ w2_b), elementwise.
 *   LoKr (LyCORIS): delta = (alpha / rank) * kron(w1, w2), each factor full or a product _a @ _b;
 *   the scale is 1 when neither factor is decomposed.
 * Without an alpha, alpha / rank is 1.
 */

export interface LoraTensor {
  shape: number[];
  values: Float32Array;
}

export type AdapterParts = Partial<Record<AdapterRole, LoraTensor>> & { alpha?: number };

export const ADAPTER_ROLES = [
  'down', 'up', 'mid',
  'hada_w1_a', 'hada_w1_b', 'hada_w2_a', 'hada_w2_b', 'hada_t1', 'hada_t2',
  'lokr_w1', 'lokr_w1_a', 'lokr_w1_b', 'lokr_w2', 'lokr_w2_a', 'lokr_w2_b', 'lokr_t2',
  'dora_scale',
] as const;
export type AdapterRole = (typeof ADAPTER_ROLES)[number];

export type AdapterKind = 'lora' | 'loha' | 'lokr';

/** Which family the parts belong to, or what is missing for any of them. */
export function adapterKind(parts: AdapterParts): AdapterKind | { missing: string } {
  if (parts.hada_w1_a || parts.hada_w1_b || parts.hada_w2_a || parts.hada_w2_b) {
    return parts.hada_w1_a && parts.hada_w1_b && parts.hada_w2_a && parts.hada_w2_b ? 'loha' : { missing: 'a hada_w1/hada_w2 factor' };
  }
  if (parts.lokr_w1 || parts.lokr_w1_a || parts.lokr_w2 || parts.lokr_w2_a) {
    const w1 = parts.lokr_w1 || (parts.lokr_w1_a && parts.lokr_w1_b);
    const w2 = parts.lokr_w2 || (parts.lokr_w2_a && parts.lokr_w2_b);
    return w1 && w2 ? 'lokr' : { missing: 'a lokr_w1/lokr_w2 factor' };
  }
  if (parts.up && parts.down) return 'lora';
  return { missing: parts.up ? 'the down projection' : 'the up projection' };
}

/**
 * A layer's change: a low-rank product scale * up [rows, rank] @ down [rank, cols] (LoRA, LoCon;
 * a Tucker core is folded into `down`), which is best multiplied where matrix products are fast,
 * or the full delta (LoHa, LoKr).
 */
export type AdapterChange =
  | { kind: 'product'; up: Float32Array; down: Float32Array; rows: number; rank: number; cols: number; scale: number }
  | { kind: 'full'; delta: Float32Array };

/** The change for a weight of `shape`, scaled by alpha / rank but not yet by the strength. */
export function adapterChange(kind: AdapterKind, parts: AdapterParts, shape: readonly number[]): AdapterChange {
  if (kind !== 'lora') return { kind: 'full', delta: adapterDelta(kind, parts, shape) };
  const rows = shape[0];
  const cols = shape.slice(1).reduce((n, d) => n * d, 1);
  const up = parts.up as LoraTensor;
  const down = parts.down as LoraTensor;
  const rank = down.shape[0];
  const scale = parts.alpha === undefined ? 1 : parts.alpha / rank;
  const right = parts.mid ? throughCore(parts.mid, down) : down.values;
  checkFactors(up.values, right, rows, rank, cols);
  return { kind: 'product', up: up.values, down: right, rows, rank, cols, scale };
}

/** The full delta for a weight of `shape`, scaled by alpha / rank but not yet by the strength. */
export function adapterDelta(kind: AdapterKind, parts: AdapterParts, shape: readonly number[]): Float32Array {
  const out = shape[0];
  const inner = shape.slice(1).reduce((n, d) => n * d, 1);
  switch (kind) {
    case 'lora': {
      const change = adapterChange(kind, parts, shape) as Extract<AdapterChange, { kind: 'product' }>;
      return matmul(change.up, change.down, out, change.rank, inner, change.scale);
    }
    case 'loha': {
      const rank = (parts.hada_w1_b as LoraTensor).shape[0];
      const scale = parts.alpha === undefined ? 1 : parts.alpha / rank;
      const w1 = product(parts.hada_w1_a as LoraTensor, parts.hada_w1_b as LoraTensor, out, inner);
      const w2 = product(parts.hada_w2_a as LoraTensor, parts.hada_w2_b as LoraTensor, out, inner);
      for (let i = 0; i < w1.length; i++) w1[i] *= w2[i] * scale;
      return w1;
    }
    case 'lokr':
      return lokrDelta(parts, shape);
  }
}

/** mid [r, s, kh, kw] applied to down [s, in(, 1, 1)]: [r, in, kh, kw] flattened per row. */
function throughCore(mid: LoraTensor, down: LoraTensor): Float32Array {
  const [rank, inner, kh = 1, kw = 1] = mid.shape;
  const inputs = down.values.length / inner;
  const kernel = kh * kw;
  const result = new Float32Array(rank * inputs * kernel);
  for (let r = 0; r < rank; r++) {
    for (let s = 0; s < inner; s++) {
      for (let i = 0; i < inputs; i++) {
        const d = down.values[s * inputs + i];
        if (d === 0) continue;
        for (let k = 0; k < kernel; k++) result[(r * inputs + i) * kernel + k] += mid.values[(r * inner + s) * kernel + k] * d;
      }
    }
  }
  return result;
}

function product(a: LoraTensor, b: LoraTensor, rows: number, cols: number): Float32Array {
  return matmul(a.values, b.values, rows, b.shape[0], cols, 1);
}

/** scale * a [rows, inner] @ b [inner, cols]. */
function matmul(a: Float32Array, b: Float32Array, rows: number, inner: number, cols: number, scale: number): Float32Array {
  checkFactors(a, b, rows, inner, cols);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = out.subarray(r * cols, (r + 1) * cols);
    for (let k = 0; k < inner; k++) {
      const factor = a[r * inner + k] * scale;
      if (factor === 0) continue;
      const from = k * cols;
      for (let c = 0; c < cols; c++) row[c] += factor * b[from + c];
    }
  }
  return out;
}

function checkFactors(a: Float32Array, b: Float32Array, rows: number, inner: number, cols: number): void {
  if (a.length !== rows * inner || b.length !== inner * cols) {
    throw new Error(`factors of ${a.length} and ${b.length} values do not make a [${rows}, ${cols}] weight through rank ${inner}`);
  }
}

function lokrFactor(full: LoraTensor | undefined, a: LoraTensor | undefined, b: LoraTensor | undefined): LoraTensor {
  if (full) return full;
  const [rows] = (a as LoraTensor).shape;
  const bShape = (b as LoraTensor).shape;
  const cols = bShape.slice(1).reduce((n, d) => n * d, 1);
  return { shape: [rows, ...bShape.slice(1)], values: product(a as LoraTensor, b as LoraTensor, rows, cols) };
}

function lokrDelta(parts: AdapterParts, shape: readonly number[]): Float32Array {
  const w1 = lokrFactor(parts.lokr_w1, parts.lokr_w1_a, parts.lokr_w1_b);
  const w2 = lokrFactor(parts.lokr_w2, parts.lokr_w2_a, parts.lokr_w2_b);
  const decomposed = parts.lokr_w1_b ?? parts.lokr_w2_b;
  const scale = decomposed && parts.alpha !== undefined ? parts.alpha / decomposed.shape[0] : 1;
  const [a, b] = w1.shape;
  const [c, d] = w2.shape;
  const kernel = w2.shape.slice(2).reduce((n, k) => n * k, 1);
  if (a * c !== shape[0] || b * d * kernel !== shape.slice(1).reduce((n, k) => n * k, 1)) {
    throw new Error(`LoKr factors [${w1.shape}] and [${w2.shape}] do not make a [${shape.join(', ')}] weight`);
  }
  const out = new Float32Array(a * c * b * d * kernel);
  const cols = b * d;
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) {
      const factor = w1.values[i * b + j] * scale;
      for (let k = 0; k < c; k++) {
        for (let l = 0; l < d; l++) {
          const target = ((i * c + k) * cols + (j * d + l)) * kernel;
          const source = (k * d + l) * kernel;
          for (let q = 0; q < kernel; q++) out[target + q] = factor * w2.values[source + q];
        }
      }
    }
  }
  return out;
}
