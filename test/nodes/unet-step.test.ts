import { describe, expect, it } from 'vitest';
import scheduler from '../../nodes/scheduler.ts';
import unetStep from '../../nodes/unet-step.ts';
import { createNoise, timestepToSigma } from '../../models/schedulers/index.ts';
import type { SamplerName } from '../../models/schedulers/index.ts';
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

async function schedule(sampler: SamplerName, steps: number, denoise = 1): Promise<Schedule> {
  const result = await scheduler.execute({ sampler, schedule: 'default', steps, denoise }, await fakeContext());
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

  it.each(['euler', 'euler_ancestral', 'dpm_2_ancestral', 'ddpm'] as const)(
    'can split one schedule over two UNetSteps: %s gives the same result as one run',
    async (sampler) => {
      const sched = await schedule(sampler, 6);
      const sessions = { [unet.path]: oracleUnet() };
      const whole = await unetStep.execute(inputs({ schedule: sched }), await fakeContext({ sessions }));
      const first = await unetStep.execute(inputs({ schedule: sched, end_step: 3 }), await fakeContext({ sessions }));
      const second = await unetStep.execute(inputs({ schedule: sched, latent: first.latent, start_step: 3 }), await fakeContext({ sessions }));
      expect(Array.from(first.latent.data)).not.toEqual(Array.from(whole.latent.data));
      expect(Array.from(second.latent.data)).toEqual(Array.from(whole.latent.data));
    },
  );

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
  it('returns the sampler with sigmas ending in 0 and one timestep per step, shortened by denoise', async () => {
    const full = await schedule('ddpm', 50);
    expect(full.sampler).toBe('ddpm');
    expect(full.sigmas).toHaveLength(51);
    expect(full.sigmas.at(-1)).toBe(0);
    expect(full.timesteps.slice(0, 3)).toEqual([980, 960, 940]);
    const partial = await schedule('ddpm', 50, 0.8);
    expect(partial.timesteps).toHaveLength(40);
    expect(partial.timesteps[0]).toBe(780);
  });

  it('offers every sampler of the schedulers module', () => {
    expect(scheduler.inputs.sampler.choices).toEqual(expect.arrayContaining(['ddpm', 'ddim', 'plms', 'euler', 'euler_ancestral', 'heun', 'dpm_2', 'dpm_2_ancestral', 'lms', 'dpmpp_2m', 'dpmpp_2m_sde']));
  });
});
