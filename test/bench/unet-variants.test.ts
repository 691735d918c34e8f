import { describe, expect, it } from 'vitest';
import { attainableStepSeconds, unetVariantFigures, type UnetRun } from '../../bench/unet-variants.ts';

const run = (name: string, stepMs: number[], extra: Partial<UnetRun> = {}): UnetRun => ({ name, loadMs: 1000, stepMs, peakRssBytes: 4e9, ...extra });
const peak = { matmulGflops: 170, convGflops: 207, matmulFloat16: { gflops: 100 } };

describe('UNet figures', () => {
  it('puts the attainable step time at conv GFLOP at the conv rate plus the rest at the MatMul rate', () => {
    // The reference machine: 888/207 + 719/170 = 8.52 s.
    expect(attainableStepSeconds(peak)).toBeCloseTo(888 / 207 + 719 / 170, 9);
  });

  it('judges fp32 against 92% of the limit (no absolute time), and compares variants with the mean of both fp32 measurements', () => {
    const { figures, unavailable } = unetVariantFigures({
      reference: run('float32', [10_000, 9_000]),
      referenceAgain: run('float32', [11_000, 11_000]),
      variants: [run('int8-matmul', [5_000, 5_000], { maxRelativeError: 0.04 }), run('threads-1', [20_000], { maxRelativeError: 0 })],
      psnr: { 'int8-matmul': 36 },
      peak,
    });
    const byId = new Map(figures.map((f) => [f.id, f]));
    expect(byId.get('unet.float32.step')).toMatchObject({ value: 9.5 });
    expect(byId.get('unet.float32.step')!.target).toBeUndefined();
    expect(byId.get('unet.float32.gflops')!.value).toBeCloseTo(1607 / 9.5, 9);
    expect(byId.get('unet.float32.vs_limit')!.value).toBeCloseTo((100 * attainableStepSeconds(peak)) / 9.5, 9);
    expect(byId.get('unet.float32.vs_limit')!.target).toMatchObject({ kind: 'min', limit: 92 });
    // Mean of 9.5 s and 11 s is 10.25 s; int8 at 5 s is 2.05x as fast.
    expect(byId.get('variant.int8-matmul.step')).toMatchObject({ value: 5, target: { kind: 'max', limit: 5 } });
    expect(byId.get('variant.int8-matmul.step')!.note).toContain('2.05x');
    expect(byId.get('variant.int8-matmul.psnr')).toMatchObject({ value: 36, target: { kind: 'min', limit: 30 } });
    expect(byId.get('variant.threads-1.step')!.target).toBeUndefined();
    expect(byId.get('variant.threads-1.error')).toMatchObject({ value: 0, target: { kind: 'max', limit: 1e-4 } });
    expect(unavailable.map((u) => u.id)).toEqual(['variant.attention']);
  });
});
