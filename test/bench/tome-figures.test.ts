import { describe, expect, it } from 'vitest';
import { judge } from '../../bench/figures.ts';
import { tomeResultFigures } from '../../bench/tome-figures.ts';
import type { TomeResult } from '../../bench/tasks/tome.ts';

describe('ToMe figures', () => {
  const result: TomeResult = {
    steps: {
      off: { wallMs: [12_000, 13_000, 12_500], cpuMs: [24_000, 25_000, 24_500] },
      tome: { wallMs: [10_000, 10_400], cpuMs: [20_000, 20_200] },
      'tome-mlp': { wallMs: [12_800, 12_600], cpuMs: [25_000, 25_400] },
    },
    drift: { tome: { maxRelativeError: 0.03, psnr: 31.5 }, 'tome-mlp': { maxRelativeError: 0.05, psnr: 28 } },
    driftSteps: 6,
  };
  const figures = tomeResultFigures('int8', result);
  const byId = (id: string) => figures.find((f) => f.id === id);

  it('give the speedup of each variant over the off runs (medians of CPU time, wall time in the note), judged against 1.2x for the shipped ratio only', () => {
    const shipped = byId('tome.int8.tome.speedup')!;
    expect(shipped.value).toBeCloseTo(24_500 / 20_100, 6);
    expect(judge(shipped).met).toBe(true);
    const mlp = byId('tome.int8.tome-mlp.speedup')!;
    expect(mlp.value).toBeCloseTo(24_500 / 25_200, 6);
    expect(judge(mlp).met).toBe(null);
    expect(shipped.note).toContain(`wall time ${(12_500 / 10_200).toFixed(2)}x`);
  });

  it('carry each variant\'s drift: the final latent\'s error and the decoded image\'s PSNR', () => {
    expect(byId('tome.int8.tome.latent_error')?.value).toBe(0.03);
    expect(byId('tome.int8.tome-mlp.psnr')?.value).toBe(28);
    expect(figures.map((f) => f.id).filter((id) => id.includes('.off.'))).toEqual([]);
  });
});
