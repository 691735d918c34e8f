import type { Sampler } from '../sampler.ts';
import { ddim } from './ddim.ts';
import { ddpm } from './ddpm.ts';
import { dpm2Ancestral } from './dpm2-ancestral.ts';
import { dpm2 } from './dpm2.ts';
import { dpmpp2mSde } from './dpmpp-2m-sde.ts';
import { dpmpp2m } from './dpmpp-2m.ts';
import { eulerAncestral } from './euler-ancestral.ts';
import { euler } from './euler.ts';
import { heun } from './heun.ts';
import { lms } from './lms.ts';
import { plms } from './plms.ts';

export const SAMPLERS = [
  'euler',
  'euler_ancestral',
  'heun',
  'dpm_2',
  'dpm_2_ancestral',
  'lms',
  'dpmpp_2m',
  'dpmpp_2m_sde',
  'ddpm',
  'ddim',
  'plms',
] as const;

export type SamplerName = (typeof SAMPLERS)[number];

export const SAMPLER_FUNCTIONS: Readonly<Record<SamplerName, Sampler>> = {
  euler,
  euler_ancestral: eulerAncestral,
  heun,
  dpm_2: dpm2,
  dpm_2_ancestral: dpm2Ancestral,
  lms,
  dpmpp_2m: dpmpp2m,
  dpmpp_2m_sde: dpmpp2mSde,
  ddpm,
  ddim,
  plms,
};

/** Samplers whose steps use earlier steps' results; a run started mid-schedule restarts their history. */
export const MULTISTEP_SAMPLERS: readonly SamplerName[] = ['lms', 'dpmpp_2m', 'dpmpp_2m_sde', 'plms'];

export function isSamplerName(name: string): name is SamplerName {
  return (SAMPLERS as readonly string[]).includes(name);
}
