import { describe, expect, it } from 'vitest';
import { A1111_SAMPLERS, A1111_SCHEDULERS, fromA1111, SAMPLERS, SCHEDULERS } from '../../../models/schedulers/index.ts';

describe('A1111 sampler labels', () => {
  it('map onto samplers and schedules that exist', () => {
    for (const [label, { sampler, scheduler }] of Object.entries(A1111_SAMPLERS)) {
      expect(SAMPLERS, label).toContain(sampler);
      expect(SCHEDULERS, label).toContain(scheduler);
    }
    for (const scheduler of Object.values(A1111_SCHEDULERS)) expect(SCHEDULERS).toContain(scheduler);
  });

  it('read the scheduler from old combined labels and A1111 1.9\'s automatic choice from bare ones', () => {
    expect(fromA1111('Euler a')).toEqual({ sampler: 'euler_ancestral', scheduler: 'normal' });
    expect(fromA1111('DPM++ 2M Karras')).toEqual({ sampler: 'dpmpp_2m', scheduler: 'karras' });
    expect(fromA1111('DPM++ SDE')).toEqual({ sampler: 'dpmpp_sde', scheduler: 'karras' });
    expect(fromA1111('DPM++ 2M SDE', 'Automatic')).toEqual({ sampler: 'dpmpp_2m_sde', scheduler: 'exponential' });
    expect(fromA1111('UniPC')).toEqual({ sampler: 'uni_pc', scheduler: 'normal' });
    expect(fromA1111('LCM')).toEqual({ sampler: 'lcm', scheduler: 'normal' });
  });

  it('let an explicit scheduler override the label\'s, by label or API name', () => {
    expect(fromA1111('Euler', 'Karras')).toEqual({ sampler: 'euler', scheduler: 'karras' });
    expect(fromA1111('DPM++ 2M', 'sgm_uniform')).toEqual({ sampler: 'dpmpp_2m', scheduler: 'sgm_uniform' });
  });

  it('answer undefined for a label or scheduler we do not have', () => {
    expect(fromA1111('DPM adaptive')).toBeUndefined();
    expect(fromA1111('Euler', 'Align Your Steps')).toBeUndefined();
  });
});
