import { describe, expect, it } from 'vitest';
import { buildSchedule, karrasSigmas, SAMPLERS, SIGMA_MAX, SIGMA_MIN, sigmaToTimestep, TRAINING_SIGMAS } from '../../../models/schedulers/index.ts';

describe('buildSchedule', () => {
  it('uses the seed\'s timesteps for ddpm, ddim and plms: 1000 // n spacing, 980 ... 0 for 50 steps', () => {
    for (const sampler of ['ddpm', 'ddim', 'plms']) {
      const { sigmas, timesteps } = buildSchedule({ sampler, schedule: 'default', steps: 50 });
      expect(Array.from(timesteps)).toEqual(Array.from({ length: 50 }, (_, k) => 980 - 20 * k));
      expect(sigmas).toHaveLength(51);
      expect(sigmas[0]).toBe(TRAINING_SIGMAS[980]);
      expect(sigmas[49]).toBe(TRAINING_SIGMAS[0]);
      expect(sigmas[50]).toBe(0);
    }
    expect(Array.from(buildSchedule({ sampler: 'ddpm', schedule: 'default', steps: 3 }).timesteps)).toEqual([666, 333, 0]);
  });

  it('spaces the sigma samplers\' timesteps evenly over 999..0', () => {
    const { sigmas, timesteps } = buildSchedule({ sampler: 'euler', schedule: 'default', steps: 4 });
    expect(Array.from(timesteps)).toEqual([999, 666, 333, 0]);
    expect(Array.from(sigmas)).toEqual([TRAINING_SIGMAS[999], TRAINING_SIGMAS[666], TRAINING_SIGMAS[333], TRAINING_SIGMAS[0], 0]);
    const fractional = buildSchedule({ sampler: 'euler', schedule: 'default', steps: 20 });
    expect(fractional.timesteps[1]).toBeCloseTo(999 - 999 / 19, 10);
    expect(sigmaToTimestep(fractional.sigmas[1])).toBeCloseTo(fractional.timesteps[1], 9);
  });

  it('follows Karras et al. eq. 5 with rho 7 between the model\'s sigma range', () => {
    const n = 10;
    const { sigmas, timesteps } = buildSchedule({ sampler: 'dpmpp_2m', schedule: 'karras', steps: n });
    for (let i = 0; i < n; i++) {
      const expected = (SIGMA_MAX ** (1 / 7) + (i / (n - 1)) * (SIGMA_MIN ** (1 / 7) - SIGMA_MAX ** (1 / 7))) ** 7;
      expect(sigmas[i]).toBeCloseTo(expected, 12);
      expect(timesteps[i]).toBeCloseTo(sigmaToTimestep(expected), 12);
    }
    expect(sigmas[0]).toBeCloseTo(SIGMA_MAX, 12);
    expect(sigmas[n - 1]).toBeCloseTo(SIGMA_MIN, 12);
    expect(sigmas[n]).toBe(0);
    expect(karrasSigmas(3, 0.1, 10)[1]).toBeCloseTo(((10 ** (1 / 7) + 0.1 ** (1 / 7)) / 2) ** 7, 12);
  });

  it('keeps the last int(n * denoise) steps for img2img', () => {
    const full = buildSchedule({ sampler: 'ddpm', schedule: 'default', steps: 50 });
    const partial = buildSchedule({ sampler: 'ddpm', schedule: 'default', steps: 50, denoise: 0.8 });
    expect(partial.timesteps).toHaveLength(40);
    expect(partial.timesteps[0]).toBe(780);
    expect(Array.from(partial.sigmas)).toEqual(Array.from(full.sigmas.slice(10)));
    expect(buildSchedule({ sampler: 'euler', schedule: 'karras', steps: 7, denoise: 0.5 }).timesteps).toHaveLength(3);
  });

  it('builds a decreasing schedule ending at 0 for every sampler and schedule', () => {
    for (const sampler of SAMPLERS) {
      for (const schedule of ['default', 'karras']) {
        const { sigmas, timesteps } = buildSchedule({ sampler, schedule, steps: 13 });
        expect(sigmas).toHaveLength(14);
        expect(timesteps).toHaveLength(13);
        expect(sigmas.every((s, i) => i === 0 || s < sigmas[i - 1])).toBe(true);
        expect(sigmas[13]).toBe(0);
      }
    }
  });

  it('handles a single step', () => {
    expect(Array.from(buildSchedule({ sampler: 'euler', schedule: 'default', steps: 1 }).sigmas)).toEqual([SIGMA_MAX, 0]);
    const karras = buildSchedule({ sampler: 'euler', schedule: 'karras', steps: 1 }).sigmas;
    expect(karras).toHaveLength(2);
    expect(karras[0]).toBeCloseTo(SIGMA_MAX, 12);
  });

  it('names the input at fault', () => {
    const bad = [
      [{ sampler: 'dpm_fast', schedule: 'default', steps: 10 }, 'sampler', 'unknown_sampler'],
      [{ sampler: 'euler', schedule: 'exponential', steps: 10 }, 'schedule', 'unknown_schedule'],
      [{ sampler: 'euler', schedule: 'default', steps: 0 }, 'steps', 'steps_out_of_range'],
      [{ sampler: 'euler', schedule: 'default', steps: 2.5 }, 'steps', 'steps_out_of_range'],
      [{ sampler: 'euler', schedule: 'default', steps: 1001 }, 'steps', 'steps_out_of_range'],
      [{ sampler: 'euler', schedule: 'default', steps: 10, denoise: 1.5 }, 'denoise', 'denoise_out_of_range'],
      [{ sampler: 'euler', schedule: 'default', steps: 10, denoise: 0.05 }, 'denoise', 'denoise_leaves_no_steps'],
    ] as const;
    for (const [options, input, code] of bad) {
      expect(() => buildSchedule(options)).toThrow(expect.objectContaining({ code, input }));
    }
  });
});
