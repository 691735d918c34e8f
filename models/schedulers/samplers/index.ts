import type { SamplerDescriptor } from '../sampler.ts';
import { ddim } from './ddim.ts';
import { ddpm } from './ddpm.ts';
import { deis } from './deis.ts';
import { dpm2Ancestral } from './dpm2-ancestral.ts';
import { dpm2 } from './dpm2.ts';
import { dpmpp2mSde } from './dpmpp-2m-sde.ts';
import { dpmpp2m } from './dpmpp-2m.ts';
import { dpmpp2sAncestral } from './dpmpp-2s-ancestral.ts';
import { dpmpp3mSde } from './dpmpp-3m-sde.ts';
import { dpmppSde } from './dpmpp-sde.ts';
import { eulerAncestral } from './euler-ancestral.ts';
import { eulerCfgPp } from './euler-cfg-pp.ts';
import { euler } from './euler.ts';
import { heun } from './heun.ts';
import { ipndm } from './ipndm.ts';
import { lcm } from './lcm.ts';
import { lms } from './lms.ts';
import { plms } from './plms.ts';
import { uniPcBh1, uniPcBh2 } from './uni-pc.ts';

/** Every sampler, in ComfyUI's menu order (plms, ours, last). Every list of sampler names derives from this one. */
export const SAMPLER_DESCRIPTORS: readonly SamplerDescriptor[] = [
  euler,
  eulerCfgPp,
  eulerAncestral,
  heun,
  dpm2,
  dpm2Ancestral,
  lms,
  dpmpp2sAncestral,
  dpmppSde,
  dpmpp2m,
  dpmpp2mSde,
  dpmpp3mSde,
  ddpm,
  lcm,
  ipndm,
  deis,
  ddim,
  uniPcBh1,
  uniPcBh2,
  plms,
];

export const SAMPLERS: readonly string[] = SAMPLER_DESCRIPTORS.map((d) => d.name);

/** Samplers whose steps use earlier steps' results; a run started mid-schedule restarts their history. */
export const MULTISTEP_SAMPLERS: readonly string[] = SAMPLER_DESCRIPTORS.filter((d) => d.multistep).map((d) => d.name);

/** Samplers that add fresh (per-step seeded) noise. */
export const STOCHASTIC_SAMPLERS: readonly string[] = SAMPLER_DESCRIPTORS.filter((d) => d.stochastic).map((d) => d.name);

const BY_NAME = new Map(SAMPLER_DESCRIPTORS.map((d) => [d.name, d]));

/** The descriptor of a sampler name, or undefined for a name that is not one. */
export function findSampler(name: string): SamplerDescriptor | undefined {
  return BY_NAME.get(name);
}
