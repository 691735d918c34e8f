import { describe, expect, it } from 'vitest';
import { float32ToFloat16Bits, toFloat16 } from '../../../models/onnx/index.ts';

function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

describe('float32 -> float16', () => {
  it('encodes exact values, limits and specials', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(0.5)).toBe(0x3800);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(70000)).toBe(0x7c00);
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00);
    expect(float32ToFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(float32ToFloat16Bits(NaN) & 0x3ff).not.toBe(0);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToFloat16Bits(2 ** -14)).toBe(0x0400);
    expect(float32ToFloat16Bits(1e-9)).toBe(0);
    expect(float32ToFloat16Bits(-0)).toBe(0x8000);
  });

  it('rounds to nearest, ties to even', () => {
    // 1 + 2^-11 lies halfway between 1 and 1 + 2^-10: ties to the even mantissa (1).
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00);
    // 1 + 3 * 2^-11 lies halfway between 1 + 2^-10 (odd) and 1 + 2^-9 (even).
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(float32ToFloat16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01);
    // Rounding up the largest mantissa carries into the exponent.
    expect(float32ToFloat16Bits(2 - 2 ** -12)).toBe(0x4000);
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00);
    // Subnormals: 1.5 units of 2^-24 ties to 2, 0.5 units ties to 0, just above 0.5 rounds to 1.
    expect(float32ToFloat16Bits(3 * 2 ** -25)).toBe(0x0002);
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0);
    expect(float32ToFloat16Bits(2 ** -25 * 1.001)).toBe(0x0001);
    expect(float32ToFloat16Bits(-(2 ** -14 - 2 ** -24))).toBe(0x83ff);
  });

  it('keeps the relative error within half a float16 ulp across magnitudes', () => {
    const values = Float32Array.from({ length: 2000 }, (_, i) => Math.sin(i * 12.9898) * 10 ** ((i % 9) - 4));
    const halves = toFloat16(values);
    values.forEach((v, i) => {
      if (Math.abs(v) < 2 ** -14) return;
      expect(Math.abs(float16BitsToNumber(halves[i]) - v)).toBeLessThanOrEqual(Math.abs(v) * 2 ** -11);
    });
  });
});
