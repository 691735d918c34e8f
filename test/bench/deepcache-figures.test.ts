import { describe, expect, it } from 'vitest';
import { deepCacheRunFigures } from '../../bench/deepcache-figures.ts';
import { judge } from '../../bench/figures.ts';
import type { DeepCacheRun } from '../../bench/tasks/deep-cache.ts';

/** A run with its UNet call times given in seconds. */
const run = (interval: number, unetCallMs: number[], latentMaxRelativeError = 0, psnrDb = Infinity): DeepCacheRun =>
  ({ interval, wallMs: 0, unetCallMs: unetCallMs.map((seconds) => seconds * 1000), latentMaxRelativeError, psnrDb });

describe('the DeepCache bench figures', () => {
  // The call times of the int8 run of 2026-12-02 (docs/performance.md), in seconds.
  const runs = [
    run(1, [88.9, 80.0, 92.8, 76.4, 79.7, 92.9]),
    run(3, [58.8, 12.5, 17.0, 43.9, 9.8, 10.7], 0.131, 30.0),
    run(1, [32.3, 32.8, 31.2, 33.8, 28.5, 30.5]),
  ];

  it('judge the speed-up against the run\'s own full calls, and give the drift of the interval-3 run', () => {
    const [speedup, drift, psnr] = deepCacheRunFigures('default', runs);
    const full = (58.8 + 43.9) / 2;
    expect(speedup.id).toBe('deepcache.speedup');
    expect(speedup.value).toBeCloseTo((6 * full) / (58.8 + 12.5 + 17.0 + 43.9 + 9.8 + 10.7), 6);
    expect(speedup.value).toBeGreaterThan(2);
    expect(judge(speedup).met).toBe(true);
    expect(speedup.note).toContain('12.5 s'); // the median cached call
    const total = (r: DeepCacheRun) => r.unetCallMs.reduce((a, b) => a + b, 0);
    expect(speedup.note).toContain(`${(total(runs[0]) / total(runs[1])).toFixed(2)}x and ${(total(runs[2]) / total(runs[1])).toFixed(2)}x`);
    expect([drift.id, drift.value]).toEqual(['deepcache.latent_drift', 0.131]);
    expect([psnr.id, psnr.value]).toEqual(['deepcache.psnr', 30.0]);
    expect(deepCacheRunFigures('fp32', runs).map((figure) => figure.id)).toEqual(['deepcache.speedup_fp32', 'deepcache.latent_drift_fp32', 'deepcache.psnr_fp32']);
  });

  it('miss the target when cached calls cost as much as full ones', () => {
    const [speedup] = deepCacheRunFigures('default', [run(1, [10, 10, 10, 10, 10, 10]), run(3, [10, 9, 9, 10, 9, 9]), run(1, [10, 10, 10, 10, 10, 10])]);
    expect(judge(speedup).met).toBe(false);
  });
});
