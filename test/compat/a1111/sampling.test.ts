import { describe, expect, it } from 'vitest';
import { availableLabels, availableSchedulers, samplingFor } from '../../../compat/a1111/sampling.ts';
import { A1111_SAMPLERS, SAMPLERS, SCHEDULE_ALIASES, SCHEDULERS } from '../../../models/schedulers/index.ts';

const available = { samplers: [...SAMPLERS], schedules: [...SCHEDULERS, ...SCHEDULE_ALIASES] };

describe('A1111 sampling names', () => {
  it('a label runs with its own scheduler when scheduler is Automatic or absent, from the models table', () => {
    expect(samplingFor('DPM++ 2M', 'Automatic', available)).toEqual({ sampler: 'dpmpp_2m', schedule: 'karras' });
    expect(samplingFor('Euler a', undefined, available)).toEqual({ sampler: 'euler_ancestral', schedule: 'normal' });
    expect(samplingFor('DPM++ 3M SDE Karras', undefined, available)).toEqual({ sampler: 'dpmpp_3m_sde', schedule: 'karras' });
  });

  it('a scheduler choice (label or API name) replaces the label\'s own; Uniform is the real normal schedule', () => {
    expect(samplingFor('Euler', 'Karras', available)).toEqual({ sampler: 'euler', schedule: 'karras' });
    expect(samplingFor('DPM++ 2M', 'uniform', available)).toEqual({ sampler: 'dpmpp_2m', schedule: 'normal' });
    expect(samplingFor('DDIM', 'DDIM', available)).toEqual({ sampler: 'ddim', schedule: 'ddim_uniform' });
  });

  it('one of our sampler ids is accepted as sampler_name and runs with normal', () => {
    expect(samplingFor('ipndm', undefined, available)).toEqual({ sampler: 'ipndm', schedule: 'normal' });
  });

  it('names the missing part: an unknown label, or a scheduler A1111 has and latentflow does not', () => {
    expect(samplingFor('DPM adaptive', undefined, available)).toEqual({ missing: 'sampler_name' });
    expect(samplingFor('Euler', 'Polyexponential', available)).toEqual({ missing: 'scheduler' });
    expect(samplingFor('Euler', 'Karras', { ...available, schedules: ['normal'] })).toEqual({ missing: 'scheduler' });
  });

  it('lists every label whose sampler this latentflow has, and the scheduler menu it can run', () => {
    expect(availableLabels(available).map((label) => label.name)).toEqual(Object.keys(A1111_SAMPLERS));
    expect(availableLabels({ samplers: ['euler'] })).toEqual([{ name: 'Euler', aliases: ['euler'] }]);
    expect(availableSchedulers(available).map((scheduler) => scheduler.name)).toEqual(['automatic', 'uniform', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim', 'beta']);
    expect(availableSchedulers({ schedules: ['normal'] })).toEqual([{ name: 'automatic', label: 'Automatic' }, { name: 'uniform', label: 'Uniform' }]);
  });
});
