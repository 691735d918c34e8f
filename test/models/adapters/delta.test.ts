import { describe, expect, it } from 'vitest';
import { adapterDelta, adapterKind, type LoraTensor } from '../../../models/adapters/delta.ts';

const tensor = (shape: number[], seed: number): LoraTensor => ({
  shape,
  values: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(seed * 7.1 + i * 1.3)),
});

/** Plain triple loop: a [n, k] @ b [k, m]. */
function matmul(a: Float32Array, b: Float32Array, n: number, k: number, m: number): number[] {
  return Array.from({ length: n * m }, (_, i) => {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += a[Math.floor(i / m) * k + j] * b[j * m + (i % m)];
    return sum;
  });
}

const close = (actual: Float32Array, expected: number[]) => expected.forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 5));

describe('adapterDelta', () => {
  it('LoRA: (alpha / rank) up @ down', () => {
    const up = tensor([6, 2], 1);
    const down = tensor([2, 5], 2);
    const delta = adapterDelta('lora', { up, down, alpha: 1 }, [6, 5]);
    close(delta, matmul(up.values, down.values, 6, 2, 5).map((v) => v / 2));
  });

  it('LoRA without alpha scales by 1', () => {
    const up = tensor([3, 2], 3);
    const down = tensor([2, 4], 4);
    close(adapterDelta('lora', { up, down }, [3, 4]), matmul(up.values, down.values, 3, 2, 4));
  });

  it('LoCon convolution: up [out, r, 1, 1] @ down [r, in, kh, kw]', () => {
    const up = tensor([4, 2, 1, 1], 5);
    const down = tensor([2, 3, 3, 3], 6);
    close(adapterDelta('lora', { up, down, alpha: 2 }, [4, 3, 3, 3]), matmul(up.values, down.values, 4, 2, 27));
  });

  it('LoCon with lora_mid: sum over r, s of up[o, r] mid[r, s, h, w] down[s, i]', () => {
    const up = tensor([3, 2, 1, 1], 7);
    const mid = tensor([2, 2, 3, 3], 8);
    const down = tensor([2, 4, 1, 1], 9);
    const expected: number[] = [];
    for (let o = 0; o < 3; o++) for (let i = 0; i < 4; i++) for (let k = 0; k < 9; k++) {
      let sum = 0;
      for (let r = 0; r < 2; r++) for (let s = 0; s < 2; s++) sum += up.values[o * 2 + r] * mid.values[(r * 2 + s) * 9 + k] * down.values[s * 4 + i];
      expected.push(sum);
    }
    close(adapterDelta('lora', { up, mid, down }, [3, 4, 3, 3]), expected);
  });

  it('LoHa: (alpha / rank) (w1_a @ w1_b) * (w2_a @ w2_b)', () => {
    const [w1a, w1b, w2a, w2b] = [tensor([4, 2], 10), tensor([2, 3], 11), tensor([4, 2], 12), tensor([2, 3], 13)];
    const w1 = matmul(w1a.values, w1b.values, 4, 2, 3);
    const w2 = matmul(w2a.values, w2b.values, 4, 2, 3);
    const parts = { hada_w1_a: w1a, hada_w1_b: w1b, hada_w2_a: w2a, hada_w2_b: w2b, alpha: 1 };
    expect(adapterKind(parts)).toBe('loha');
    close(adapterDelta('loha', parts, [4, 3]), w1.map((v, i) => (v * w2[i]) / 2));
  });

  it('LoKr: kron(w1, w2_a @ w2_b) scaled by alpha / rank of the decomposed factor', () => {
    const w1 = tensor([2, 3], 14);
    const [w2a, w2b] = [tensor([2, 1], 15), tensor([1, 2], 16)];
    const w2 = matmul(w2a.values, w2b.values, 2, 1, 2);
    const expected: number[] = [];
    for (let row = 0; row < 4; row++) for (let col = 0; col < 6; col++) {
      expected.push(w1.values[Math.floor(row / 2) * 3 + Math.floor(col / 2)] * w2[(row % 2) * 2 + (col % 2)] * 0.5);
    }
    const parts = { lokr_w1: w1, lokr_w2_a: w2a, lokr_w2_b: w2b, alpha: 0.5 };
    expect(adapterKind(parts)).toBe('lokr');
    close(adapterDelta('lokr', parts, [4, 6]), expected);
  });

  it('says which part is missing', () => {
    expect(adapterKind({ up: tensor([2, 1], 1) })).toEqual({ missing: 'the down projection' });
  });
});
