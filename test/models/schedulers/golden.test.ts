import { describe, expect, it } from 'vitest';
import { SAMPLERS } from '../../../models/schedulers/index.ts';
import { GOLDEN_STEPS, goldenLoop } from './golden-loop.ts';

/**
 * sum |x| and mean |x| after the fixed loop of golden-loop.ts (as diffusers' test_full_loop_no_noise).
 * The k-diffusion ports (euler ... dpmpp_3m_sde) and plms were checked once against k-diffusion@4601bf0's
 * sampling.py and CompVis's PLMS update in PyTorch float64 on the same denoiser, inputs and per-step
 * noise: every final latent agreed to 4e-7. A change here changes images: update only on purpose.
 */
const GOLDEN: Record<string, [sum: number, mean: number]> = {
  euler: [31.388263, 0.49044160],
  euler_cfg_pp: [37.620315, 0.58781742],
  euler_ancestral: [23.932921, 0.37395189],
  heun: [20.391381, 0.31861533],
  dpm_2: [23.783168, 0.37161200],
  dpm_2_ancestral: [31.944100, 0.49912656],
  lms: [30.290124, 0.47328318],
  dpmpp_2s_ancestral: [21.650548, 0.33828982],
  dpmpp_sde: [22.557828, 0.35246607],
  dpmpp_2m: [30.258076, 0.47278244],
  dpmpp_2m_sde: [28.925844, 0.45196631],
  dpmpp_3m_sde: [43.065511, 0.67289860],
  ddpm: [23.521462, 0.36752284],
  lcm: [21.474065, 0.33553226],
  ipndm: [30.981545, 0.48408665],
  deis: [30.816523, 0.48150817],
  ddim: [30.951022, 0.48360972],
  uni_pc: [27.281441, 0.42627252],
  uni_pc_bh2: [30.099114, 0.47029866],
  plms: [24.356294, 0.38056709],
};

describe(`golden numbers: ${GOLDEN_STEPS} steps on a fake denoiser`, () => {
  it('pins every sampler', () => {
    expect(Object.keys(GOLDEN).sort()).toEqual([...SAMPLERS].sort());
  });

  it.each(SAMPLERS)('%s', async (sampler) => {
    const { sum, mean } = await goldenLoop(sampler);
    expect(sum).toBeCloseTo(GOLDEN[sampler][0], 3);
    expect(mean).toBeCloseTo(GOLDEN[sampler][1], 5);
  });
});
