import { describe, expect, it } from 'vitest';
import {
  ALPHAS_CUMPROD,
  SIGMA_MAX,
  SIGMA_MIN,
  sigmaToTimestep,
  timestepToSigma,
  TRAINING_SIGMAS,
} from '../../../models/schedulers/index.ts';

describe('SD 1.5 training schedule', () => {
  it('equals the CompVis reference\'s float32 alphas_cumprod bit for bit (values printed by PyTorch 1.13 on x86)', () => {
    const golden: Record<number, number> = {
      0: 0.9991499781608582,
      1: 0.9982960224151611,
      2: 0.9974380731582642,
      100: 0.894223153591156,
      499: 0.2776694595813751,
      500: 0.2763324975967407,
      501: 0.27499887347221375,
      750: 0.05616981163620949,
      980: 0.005843780003488064,
      999: 0.0046600960195064545,
    };
    for (const [t, abar] of Object.entries(golden)) expect(ALPHAS_CUMPROD[Number(t)]).toBe(abar);
  });

  it('derives sigma = sqrt((1 - abar) / abar), increasing from about 0.029 to 14.6', () => {
    expect(TRAINING_SIGMAS[500]).toBeCloseTo(Math.sqrt((1 - 0.2763324975967407) / 0.2763324975967407), 12);
    expect(SIGMA_MIN).toBeCloseTo(0.0292, 4);
    expect(SIGMA_MAX).toBeCloseTo(14.6146, 4);
    expect(TRAINING_SIGMAS.every((s, t) => t === 0 || s > TRAINING_SIGMAS[t - 1])).toBe(true);
  });

  it('maps every training sigma back to exactly its integer timestep', () => {
    for (let t = 0; t < 1000; t++) expect(sigmaToTimestep(TRAINING_SIGMAS[t])).toBe(t);
  });

  it('interpolates in log sigma between timesteps, and the two conversions invert each other', () => {
    const midpoint = Math.sqrt(TRAINING_SIGMAS[400] * TRAINING_SIGMAS[401]);
    expect(sigmaToTimestep(midpoint)).toBeCloseTo(400.5, 10);
    for (const t of [0.25, 17.5, 333.3, 998.9]) expect(sigmaToTimestep(timestepToSigma(t))).toBeCloseTo(t, 9);
  });

  it('clamps sigmas outside the trained range to timesteps 0 and 999', () => {
    expect(sigmaToTimestep(0)).toBe(0);
    expect(sigmaToTimestep(100)).toBe(999);
    expect(timestepToSigma(-3)).toBe(SIGMA_MIN);
    expect(timestepToSigma(1200)).toBe(SIGMA_MAX);
  });
});
