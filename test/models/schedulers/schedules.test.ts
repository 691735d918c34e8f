import { describe, expect, it } from 'vitest';
import {
  buildSchedule,
  karrasSigmas,
  SAMPLERS,
  SCHEDULERS,
  SIGMA_MAX,
  SIGMA_MIN,
  sigmaToTimestep,
  TRAINING_SIGMAS,
} from '../../../models/schedulers/index.ts';
import { betaCdf, betaQuantile } from '../../../models/schedulers/beta-quantile.ts';

const timestepsOf = (options: Parameters<typeof buildSchedule>[0]) => Array.from(buildSchedule(options).timesteps);

describe('buildSchedule', () => {
  it('offers ComfyUI\'s schedulers by name, plus the CompVis reference\'s leading spacing', () => {
    expect(SCHEDULERS).toEqual(['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform', 'beta', 'leading']);
  });

  it('leading is the CompVis reference\'s timesteps: 1000 // n spacing, 980 ... 0 for 50 steps', () => {
    const { sigmas, timesteps } = buildSchedule({ sampler: 'ddpm', schedule: 'leading', steps: 50 });
    expect(Array.from(timesteps)).toEqual(Array.from({ length: 50 }, (_, k) => 980 - 20 * k));
    expect(sigmas).toHaveLength(51);
    expect(sigmas[0]).toBe(TRAINING_SIGMAS[980]);
    expect(sigmas[49]).toBe(TRAINING_SIGMAS[0]);
    expect(sigmas[50]).toBe(0);
    expect(timestepsOf({ sampler: 'euler', schedule: 'leading', steps: 3 })).toEqual([666, 333, 0]);
  });

  it('normal spaces n timesteps evenly over 999..0', () => {
    const { sigmas, timesteps } = buildSchedule({ sampler: 'euler', schedule: 'normal', steps: 4 });
    expect(Array.from(timesteps)).toEqual([999, 666, 333, 0]);
    expect(Array.from(sigmas)).toEqual([TRAINING_SIGMAS[999], TRAINING_SIGMAS[666], TRAINING_SIGMAS[333], TRAINING_SIGMAS[0], 0]);
    const fractional = buildSchedule({ sampler: 'euler', schedule: 'normal', steps: 20 });
    expect(fractional.timesteps[1]).toBeCloseTo(999 - 999 / 19, 9);
  });

  it('keeps `default` for older workflows: leading for ddpm, ddim and plms, normal for the others, with no level dropped', () => {
    for (const sampler of ['ddpm', 'ddim', 'plms']) {
      expect(buildSchedule({ sampler, schedule: 'default', steps: 20 })).toEqual(buildSchedule({ sampler, schedule: 'leading', steps: 20 }));
    }
    for (const sampler of ['euler', 'lms', 'dpmpp_2m', 'heun']) {
      expect(buildSchedule({ sampler, schedule: 'default', steps: 20 })).toEqual(buildSchedule({ sampler, schedule: 'normal', steps: 20 }));
    }
    // dpm_2 under `default` keeps the 20 levels it always had; under `normal` it follows ComfyUI.
    expect(Array.from(buildSchedule({ sampler: 'dpm_2', schedule: 'default', steps: 20 }).sigmas)).toEqual(
      Array.from(buildSchedule({ sampler: 'euler', schedule: 'normal', steps: 20 }).sigmas),
    );
  });

  it('drops the next-to-last of steps + 1 levels for dpm_2, dpm_2_ancestral, uni_pc and uni_pc_bh2, as ComfyUI does', () => {
    const longer = Array.from(buildSchedule({ sampler: 'euler', schedule: 'karras', steps: 11 }).sigmas);
    for (const sampler of ['dpm_2', 'dpm_2_ancestral', 'uni_pc', 'uni_pc_bh2']) {
      const { sigmas } = buildSchedule({ sampler, schedule: 'karras', steps: 10 });
      expect(Array.from(sigmas)).toEqual([...longer.slice(0, 10), 0]);
    }
  });

  it('follows Karras et al. eq. 5 with rho 7 between the model\'s sigma range', () => {
    const n = 10;
    const { sigmas, timesteps } = buildSchedule({ sampler: 'dpmpp_2m', schedule: 'karras', steps: n });
    for (let i = 0; i < n; i++) {
      const expected = (SIGMA_MAX ** (1 / 7) + (i / (n - 1)) * (SIGMA_MIN ** (1 / 7) - SIGMA_MAX ** (1 / 7))) ** 7;
      expect(sigmas[i]).toBeCloseTo(expected, 12);
      expect(timesteps[i]).toBeCloseTo(sigmaToTimestep(expected), 12);
    }
    expect(sigmas[n]).toBe(0);
    expect(karrasSigmas(3, 0.1, 10)[1]).toBeCloseTo(((10 ** (1 / 7) + 0.1 ** (1 / 7)) / 2) ** 7, 12);
  });

  it('builds exponential, sgm_uniform, simple and ddim_uniform the way ComfyUI does', () => {
    const exponential = buildSchedule({ sampler: 'euler', schedule: 'exponential', steps: 3 }).sigmas;
    expect(exponential[0]).toBeCloseTo(SIGMA_MAX, 12);
    expect(exponential[1]).toBeCloseTo(Math.sqrt(SIGMA_MAX * SIGMA_MIN), 12);
    expect(exponential[2]).toBeCloseTo(SIGMA_MIN, 12);
    expect(timestepsOf({ sampler: 'euler', schedule: 'sgm_uniform', steps: 4 })).toEqual([999, 749.25, 499.5, 249.75].map((t) => expect.closeTo(t, 9)));
    expect(timestepsOf({ sampler: 'euler', schedule: 'simple', steps: 4 })).toEqual([999, 749, 499, 249]);
    expect(timestepsOf({ sampler: 'euler', schedule: 'ddim_uniform', steps: 4 })).toEqual([751, 501, 251, 1]);
    // 1000 // 7 = 142 leaves room for an eighth step below 1000, as in ComfyUI.
    expect(timestepsOf({ sampler: 'euler', schedule: 'ddim_uniform', steps: 7 })).toEqual([995, 853, 711, 569, 427, 285, 143, 1]);
  });

  it('places beta\'s timesteps at Beta(0.6, 0.6) quantiles, dense at both ends', () => {
    const timesteps = timestepsOf({ sampler: 'euler', schedule: 'beta', steps: 10 });
    expect(timesteps[0]).toBe(999);
    expect(timesteps).toEqual(timesteps.map((t) => Math.round(t)));
    const gaps = timesteps.slice(1).map((t, k) => timesteps[k] - t);
    expect(gaps[0]).toBeLessThan(gaps[4]);
    expect(gaps[8]).toBeLessThan(gaps[4]);
    expect(timesteps[5]).toBeCloseTo(Math.round(betaQuantile(0.5, 0.6, 0.6) * 999), 0);
  });

  it('inverts the Beta CDF (checked against the symmetric and uniform cases)', () => {
    expect(betaQuantile(0.5, 0.6, 0.6)).toBeCloseTo(0.5, 12);
    expect(betaQuantile(0.3, 1, 1)).toBeCloseTo(0.3, 12);
    expect(betaCdf(0.25, 2, 1)).toBeCloseTo(0.0625, 12);
    expect(betaCdf(betaQuantile(0.9, 0.6, 0.6), 0.6, 0.6)).toBeCloseTo(0.9, 12);
  });

  it('keeps the last int(n * denoise) steps for img2img (truncate)', () => {
    const full = buildSchedule({ sampler: 'ddpm', schedule: 'leading', steps: 50 });
    const partial = buildSchedule({ sampler: 'ddpm', schedule: 'leading', steps: 50, denoise: 0.8 });
    expect(partial.timesteps).toHaveLength(40);
    expect(partial.timesteps[0]).toBe(780);
    expect(Array.from(partial.sigmas)).toEqual(Array.from(full.sigmas.slice(10)));
    expect(buildSchedule({ sampler: 'euler', schedule: 'karras', steps: 7, denoise: 0.5 }).timesteps).toHaveLength(3);
  });

  it('runs `steps` of an int(steps / denoise) schedule with the stretch rule, as ComfyUI\'s KSampler', () => {
    const stretched = buildSchedule({ sampler: 'euler', schedule: 'karras', steps: 20, denoise: 0.6, denoiseRule: 'stretch' });
    const total = buildSchedule({ sampler: 'euler', schedule: 'karras', steps: 33 });
    expect(stretched.timesteps).toHaveLength(20);
    expect(Array.from(stretched.sigmas)).toEqual(Array.from(total.sigmas.slice(13)));
    expect(buildSchedule({ sampler: 'euler', schedule: 'normal', steps: 20, denoise: 1, denoiseRule: 'stretch' })).toEqual(
      buildSchedule({ sampler: 'euler', schedule: 'normal', steps: 20 }),
    );
  });

  it('builds a decreasing schedule ending at 0 for every sampler and schedule', () => {
    for (const sampler of SAMPLERS) {
      for (const schedule of [...SCHEDULERS, 'default']) {
        const { sigmas, timesteps } = buildSchedule({ sampler, schedule, steps: 13 });
        expect(sigmas.length, `${sampler} ${schedule}`).toBeGreaterThanOrEqual(13);
        expect(timesteps).toHaveLength(sigmas.length - 1);
        expect(sigmas.every((s, i) => i === 0 || s < sigmas[i - 1])).toBe(true);
        expect(sigmas.at(-1)).toBe(0);
      }
    }
  });

  it('handles a single step', () => {
    expect(Array.from(buildSchedule({ sampler: 'euler', schedule: 'normal', steps: 1 }).sigmas)).toEqual([SIGMA_MAX, 0]);
    const karras = buildSchedule({ sampler: 'euler', schedule: 'karras', steps: 1 }).sigmas;
    expect(karras).toHaveLength(2);
    expect(karras[0]).toBeCloseTo(SIGMA_MAX, 12);
  });

  it('names the input at fault', () => {
    const bad = [
      [{ sampler: 'dpm_fast', schedule: 'normal', steps: 10 }, 'sampler', 'unknown_sampler'],
      [{ sampler: 'euler', schedule: 'kl_optimal', steps: 10 }, 'schedule', 'unknown_schedule'],
      [{ sampler: 'euler', schedule: 'normal', steps: 0 }, 'steps', 'steps_out_of_range'],
      [{ sampler: 'euler', schedule: 'normal', steps: 2.5 }, 'steps', 'steps_out_of_range'],
      [{ sampler: 'euler', schedule: 'normal', steps: 1001 }, 'steps', 'steps_out_of_range'],
      [{ sampler: 'euler', schedule: 'normal', steps: 10, denoise: 1.5 }, 'denoise', 'denoise_out_of_range'],
      [{ sampler: 'euler', schedule: 'normal', steps: 10, denoise: 0.05 }, 'denoise', 'denoise_leaves_no_steps'],
      [{ sampler: 'euler', schedule: 'normal', steps: 500, denoise: 0.2, denoiseRule: 'stretch' }, 'denoise', 'denoise_stretches_too_far'],
      [{ sampler: 'euler', schedule: 'normal', steps: 10, denoiseRule: 'sideways' }, 'denoise_rule', 'unknown_denoise_rule'],
    ] as const;
    for (const [options, input, code] of bad) {
      expect(() => buildSchedule(options), JSON.stringify(options)).toThrow(expect.objectContaining({ code, input }));
    }
  });
});
