import { describe, expect, it } from 'vitest';
import { float32ToBFloat16Bits, toFloat32 } from '../../../models/checkpoint/dtype.ts';
import { toFloat16 } from '../../../models/onnx/index.ts';

const bytesOf = (array: Uint16Array) => new Uint8Array(array.buffer);
const allBitPatterns = () => Uint16Array.from({ length: 65536 }, (_, i) => i);

describe('float16 and bfloat16 conversion', () => {
  it('every float16 bit pattern survives float16 -> float32 -> float16 (NaNs stay NaN)', () => {
    const bits = allBitPatterns();
    const widened = toFloat32(bytesOf(bits), 'F16', bits.length);
    const back = toFloat16(widened);
    for (let i = 0; i < bits.length; i++) {
      if (Number.isNaN(widened[i])) expect((back[i] & 0x7c00) === 0x7c00 && (back[i] & 0x3ff) !== 0).toBe(true);
      else expect(back[i], `bits 0x${i.toString(16)}`).toBe(i);
    }
  });

  it('float16 decoding matches known values: one, max, smallest subnormal, negative zero, infinity', () => {
    const bits = Uint16Array.from([0x3c00, 0x7bff, 0x0001, 0x8000, 0xfc00, 0x3555]);
    const values = toFloat32(bytesOf(bits), 'F16', bits.length);
    expect(Array.from(values)).toEqual([1, 65504, 2 ** -24, -0, -Infinity, Math.fround(0.333251953125)]);
  });

  it('float32 -> float16 rounds to nearest even and overflows to infinity', () => {
    const values = Float32Array.from([1 + 2 ** -11, 1 + 3 * 2 ** -11, 65520, 1e-8, 2 ** -25 * 1.5]);
    expect(Array.from(toFloat16(values))).toEqual([0x3c00, 0x3c02, 0x7c00, 0x0000, 0x0001]);
  });

  it('every bfloat16 bit pattern survives bfloat16 -> float32 -> bfloat16 (NaNs stay NaN)', () => {
    const bits = allBitPatterns();
    const widened = toFloat32(bytesOf(bits), 'BF16', bits.length);
    const back = float32ToBFloat16Bits(widened);
    for (let i = 0; i < bits.length; i++) {
      if (Number.isNaN(widened[i])) expect((back[i] & 0x7f80) === 0x7f80 && (back[i] & 0x7f) !== 0).toBe(true);
      else expect(back[i], `bits 0x${i.toString(16)}`).toBe(i);
    }
  });

  it('reads integer and float64 tensors from unaligned bytes', () => {
    const bytes = new Uint8Array(1 + 16);
    const view = new DataView(bytes.buffer, 1);
    view.setBigInt64(0, -5n, true);
    view.setBigInt64(8, 77n, true);
    expect(Array.from(toFloat32(bytes.subarray(1), 'I64', 2))).toEqual([-5, 77]);
    view.setFloat64(0, 0.1, true);
    expect(toFloat32(bytes.subarray(1), 'F64', 1)[0]).toBe(Math.fround(0.1));
    view.setFloat32(0, 1.5, true);
    expect(toFloat32(bytes.subarray(1, 5), 'F32', 1)[0]).toBe(1.5);
  });
});
