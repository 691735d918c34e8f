import { describe, expect, it } from 'vitest';
import scheduler from '../../nodes/scheduler.ts';
import unetStep from '../../nodes/unet-step.ts';
import { createNoise, MULTISTEP_SAMPLERS, SAMPLERS, SCHEDULERS, sigmaToTimestep, STOCHASTIC_SAMPLERS, timestepToSigma } from '../../models/schedulers/index.ts';
import type { Conditioning, Latent, Schedule, UnetHandle } from '../../nodes/lib/sd-types.ts';
import { fakeContext, fakeSession } from './fake-context.ts';

const unet: UnetHandle = { model: 'fake', backend: 'cpu', path: '/m/unet.onnx', nativeImageSize: 64 };
const shape = [1, 4, 8, 8];
const clean = Float32Array.from({ length: 256 }, (_, i) => Math.sin(i) * 0.8);

/**
 * A UNet that knows the clean latent: from its input sample * 1/sqrt(sigma^2 + 1) and timestep it
 * recovers x and sigma and returns the exact eps = (x - x0) / sigma, for every row of the batch.
 */
function oracleUnet() {
  return fakeSession(
    unet.path,
    {
      inputs: [
        { name: 'sample', type: 'float32', dims: ['b', 4, 'h', 'w'] },
        { name: 'timestep', type: 'float32', dims: ['b'] },
        { name: 'encoder_hidden_states', type: 'float32', dims: ['b', 77, 8] },
      ],
      outputs: [{ name: 'out_sample', type: 'float32', dims: ['b', 4, 'h', 'w'] }],
    },
    async (feeds) => {
      const sigma = timestepToSigma((feeds.timestep.data as Float32Array)[0]);
      const scale = Math.sqrt(sigma * sigma + 1);
      const sample = feeds.sample.data as Float32Array;
      const eps = sample.map((v, i) => (v * scale - clean[i % clean.length]) / sigma);
      return { out_sample: { type: 'float32', data: eps, dims: feeds.sample.dims } };
    },
  );
}

/** A UNet that predicts no noise at all, so D(x, sigma) = x. */
function blindUnet() {
  const session = oracleUnet();
  return fakeSession(unet.path, session, async (feeds) => ({
    out_sample: { type: 'float32', data: new Float32Array(feeds.sample.data.length), dims: feeds.sample.dims },
  }));
}

const conditioning = (value: number): Conditioning => ({ data: new Float32Array(77 * 8).fill(value), shape: [1, 77, 8] });
const emptyLatent = (): Latent => ({ data: new Float32Array(256), shape });

async function schedule(sampler: string, steps: number, denoise = 1, name = 'default'): Promise<Schedule> {
  const result = await scheduler.execute({ sampler, schedule: name, steps, denoise, denoise_rule: 'truncate' }, await fakeContext());
  return result.schedule;
}

function inputs(overrides: Partial<Parameters<typeof unetStep.execute>[0]> & { schedule: Schedule }) {
  return {
    unet,
    positive: conditioning(1),
    negative: conditioning(0),
    latent: emptyLatent(),
    cfg: 7,
    seed: 42,
    start_step: 0,
    end_step: 0,
    add_noise: 'auto' as const,
    return_with_leftover_noise: true,
    deep_cache_interval: 1,
    token_merge_ratio: 0,
    ...overrides,
  };
}

describe('UNetStep', () => {
  it('starts txt2img from seeded noise times the first sigma', async () => {
    const sched = await schedule('euler', 4);
    const ctx = await fakeContext({ sessions: { [unet.path]: blindUnet() } });
    const { latent } = await unetStep.execute(inputs({ schedule: sched }), ctx);
    const noise = createNoise(42).normal(256);
    latent.data.forEach((v, i) => expect(v).toBeCloseTo(noise[i] * sched.sigmas[0], 3));
  });

  it('recovers the clean latent with a deterministic sampler and an exact model (adapter maths end to end)', async () => {
    for (const sampler of ['euler', 'heun', 'dpmpp_2m', 'ddim'] as const) {
      const ctx = await fakeContext({ sessions: { [unet.path]: oracleUnet() } });
      const { latent } = await unetStep.execute(inputs({ schedule: await schedule(sampler, 6) }), ctx);
      latent.data.forEach((v, i) => expect(v, sampler).toBeCloseTo(clean[i], 3));
    }
  });

  it('runs the UNet once per step on the batch [positive, negative]', async () => {
    const session = oracleUnet();
    const ctx = await fakeContext({ sessions: { [unet.path]: session } });
    await unetStep.execute(inputs({ schedule: await schedule('euler', 3) }), ctx);
    expect(session.calls).toHaveLength(3);
    for (const feeds of session.calls) {
      expect(feeds.sample.dims).toEqual([2, 4, 8, 8]);
      const context = feeds.encoder_hidden_states.data as Float32Array;
      expect([context[0], context[77 * 8]]).toEqual([1, 0]);
    }
    const single = oracleUnet();
    await unetStep.execute(inputs({ schedule: await schedule('euler', 3), cfg: 1 }), await fakeContext({ sessions: { [unet.path]: single } }));
    expect(single.calls[0].sample.dims).toEqual([1, 4, 8, 8]);
  });

  it('reports progress and a latent and an image preview after every step', async () => {
    const ctx = await fakeContext({ sessions: { [unet.path]: oracleUnet() } });
    await unetStep.execute(inputs({ schedule: await schedule('euler', 5), start_step: 1, end_step: 4 }), ctx);
    expect(ctx.progressCalls).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect(ctx.previews.map((p) => `${p.kind}@${p.step}`)).toEqual(['latent@2', 'image@2', 'latent@3', 'image@3', 'latent@4', 'image@4']);
    const latentPreview = ctx.previews[0];
    if (latentPreview.kind === 'latent') expect(latentPreview.shape).toEqual(shape);
  });

  it('gives the same latent for the same seed and a different one for another seed', async () => {
    const run = async (seed: number) => {
      const ctx = await fakeContext({ sessions: { [unet.path]: oracleUnet() } });
      return (await unetStep.execute(inputs({ schedule: await schedule('euler_ancestral', 4), seed }), ctx)).latent.data;
    };
    const [a, b, c] = [await run(7), await run(7), await run(8)];
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it.each(['euler', ...STOCHASTIC_SAMPLERS])('can split one schedule over two UNetSteps: %s gives the same result as one run', async (sampler) => {
    // The oracle UNet's clean estimate never changes (up to float32 rounding), so multistep history barely matters: only the noise could.
    const sched = await schedule(sampler, 6, 1, 'karras');
    const sessions = { [unet.path]: oracleUnet() };
    const whole = await unetStep.execute(inputs({ schedule: sched, end_step: 5 }), await fakeContext({ sessions }));
    const first = await unetStep.execute(inputs({ schedule: sched, end_step: 3 }), await fakeContext({ sessions }));
    const second = await unetStep.execute(inputs({ schedule: sched, latent: first.latent, start_step: 3, end_step: 5 }), await fakeContext({ sessions }));
    expect(Array.from(first.latent.data)).not.toEqual(Array.from(whole.latent.data));
    if (MULTISTEP_SAMPLERS.includes(sampler)) second.latent.data.forEach((v, i) => expect(v).toBeCloseTo(whole.latent.data[i], 5));
    else expect(Array.from(second.latent.data)).toEqual(Array.from(whole.latent.data));
  });

  it('add_noise enable adds the seed\'s noise at the starting level even mid-schedule; disable adds none at step 0', async () => {
    const sched = await schedule('euler', 6);
    const latent: Latent = { data: Float32Array.from({ length: 256 }, (_, i) => Math.cos(i)), shape };
    const blind = { [unet.path]: blindUnet() };
    const enabled = await unetStep.execute(inputs({ schedule: sched, latent, start_step: 2, add_noise: 'enable' }), await fakeContext({ sessions: blind }));
    const noise = createNoise(42).normal(256);
    enabled.latent.data.forEach((v, i) => expect(v).toBeCloseTo(latent.data[i] + sched.sigmas[2] * noise[i], 4));
    const auto = await unetStep.execute(inputs({ schedule: sched, latent, start_step: 2 }), await fakeContext({ sessions: blind }));
    expect(Array.from(auto.latent.data)).toEqual(Array.from(latent.data));
    const disabled = await unetStep.execute(inputs({ schedule: sched, latent, add_noise: 'disable' }), await fakeContext({ sessions: blind }));
    expect(Array.from(disabled.latent.data)).toEqual(Array.from(latent.data));
  });

  it('return_with_leftover_noise off takes the last step run to sigma 0 (a clean latent from an exact model)', async () => {
    const sched = await schedule('euler', 8);
    const sessions = { [unet.path]: oracleUnet() };
    const leftover = await unetStep.execute(inputs({ schedule: sched, end_step: 4 }), await fakeContext({ sessions }));
    const full = await unetStep.execute(inputs({ schedule: sched, end_step: 4, return_with_leftover_noise: false }), await fakeContext({ sessions }));
    expect(Math.max(...leftover.latent.data.map((v, i) => Math.abs(v - clean[i])))).toBeGreaterThan(0.1);
    full.latent.data.forEach((v, i) => expect(v).toBeCloseTo(clean[i], 4));
  });

  it('runs a KSamplerAdvanced-style pair (noise on, leftover kept; then noise off) like one run', async () => {
    const sched = await schedule('euler_ancestral', 6, 1, 'normal');
    const sessions = { [unet.path]: oracleUnet() };
    const whole = await unetStep.execute(inputs({ schedule: sched }), await fakeContext({ sessions }));
    const first = await unetStep.execute(inputs({ schedule: sched, end_step: 2, add_noise: 'enable' }), await fakeContext({ sessions }));
    const second = await unetStep.execute(
      inputs({ schedule: sched, latent: first.latent, start_step: 2, add_noise: 'disable', return_with_leftover_noise: false }),
      await fakeContext({ sessions }),
    );
    expect(Array.from(second.latent.data)).toEqual(Array.from(whole.latent.data));
  });

  it('gives a CFG++ sampler the negative prompt\'s estimate, running it even at cfg 1', async () => {
    const session = oracleUnet();
    await unetStep.execute(inputs({ schedule: await schedule('euler_cfg_pp', 3), cfg: 1 }), await fakeContext({ sessions: { [unet.path]: session } }));
    expect(session.calls[0].sample.dims).toEqual([2, 4, 8, 8]);
  });

  it('stops between steps when the run is cancelled', async () => {
    const controller = new AbortController();
    const session = oracleUnet();
    const ctx = await fakeContext({ sessions: { [unet.path]: session }, signal: controller.signal });
    const progress = ctx.progress;
    ctx.progress = (value, max) => {
      progress(value, max);
      if (value === 2) controller.abort();
    };
    await expect(unetStep.execute(inputs({ schedule: await schedule('euler', 10) }), ctx)).rejects.toMatchObject({ code: 'sampling_cancelled' });
    expect(session.calls).toHaveLength(2);
  });

  it('refuses a start_step that leaves nothing to run', async () => {
    const ctx = await fakeContext({ sessions: { [unet.path]: oracleUnet() } });
    await expect(unetStep.execute(inputs({ schedule: await schedule('euler', 4), start_step: 4 }), ctx)).rejects.toMatchObject({
      code: 'no_steps_to_run',
      input: 'start_step',
    });
  });
});

describe('Scheduler', () => {
  it('returns the sampler with one sigma per step ending in 0, shortened by denoise', async () => {
    const full = await schedule('ddpm', 50);
    expect(full.sampler).toBe('ddpm');
    expect(full.sigmas).toHaveLength(51);
    expect(full.sigmas.at(-1)).toBe(0);
    expect(full.sigmas.slice(0, 3).map((s) => Math.round(sigmaToTimestep(s)))).toEqual([980, 960, 940]);
    const partial = await schedule('ddpm', 50, 0.8);
    expect(partial.sigmas).toHaveLength(41);
    expect(Math.round(sigmaToTimestep(partial.sigmas[0]))).toBe(780);
  });

  it('offers every sampler and schedule of the schedulers module, and `default` for older workflows', () => {
    expect(scheduler.inputs.sampler.choices).toEqual(SAMPLERS);
    expect(scheduler.inputs.schedule.choices).toEqual([...SCHEDULERS, 'default']);
  });

  it('applies ComfyUI\'s KSampler denoise with the stretch rule: `steps` steps of an int(steps / denoise) schedule', async () => {
    const { schedule: stretched } = await scheduler.execute({ sampler: 'euler', schedule: 'normal', steps: 10, denoise: 0.5, denoise_rule: 'stretch' }, await fakeContext());
    const { schedule: full } = await scheduler.execute({ sampler: 'euler', schedule: 'normal', steps: 20, denoise: 1, denoise_rule: 'truncate' }, await fakeContext());
    expect(stretched.sigmas).toEqual(full.sigmas.slice(10));
  });
});

describe('Scheduler version 2 migration', () => {
  it('names version 1\'s `default` the ComfyUI way where the levels are the same, and fills in the old default', () => {
    const migrate = scheduler.migrate!;
    expect(migrate({ sampler: 'ddim', schedule: 'default', steps: 20 }, 1)).toMatchObject({ schedule: 'leading' });
    expect(migrate({ sampler: 'euler', steps: 20 }, 1)).toMatchObject({ schedule: 'normal' });
    expect(migrate({ sampler: 'dpm_2', schedule: 'default' }, 1)).toMatchObject({ schedule: 'default' });
    expect(migrate({ sampler: 'lms', schedule: 'karras' }, 1)).toMatchObject({ schedule: 'karras' });
    expect(migrate({ sampler: 'lms', schedule: 'default' }, 2)).toMatchObject({ schedule: 'default' });
  });

  it('gives the migrated schedule exactly the levels version 1 gave', async () => {
    for (const sampler of ['ddpm', 'plms', 'euler', 'lms', 'dpm_2']) {
      const old = { sampler, schedule: 'default', steps: 17, denoise: 1, denoise_rule: 'truncate' as const };
      const migrated = scheduler.migrate!(old, 1) as typeof old;
      const [a, b] = [await scheduler.execute(old, await fakeContext()), await scheduler.execute(migrated, await fakeContext())];
      expect(b.schedule.sigmas, sampler).toEqual(a.schedule.sigmas);
    }
  });
});
