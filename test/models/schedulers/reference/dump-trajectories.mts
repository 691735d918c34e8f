// One-off (not run by npm test): writes the inputs, per-step noise and final latents of the golden loop for k-diffusion-parity.py.
// npx tsx test/models/schedulers/reference/dump-trajectories.mts euler,lms,plms default 10 /tmp/dump.json
import { writeFileSync } from 'node:fs';
import { buildSchedule, createNoise, createStepNoise, sample } from '../../../../models/schedulers/index.ts';
import type { GuidedDenoiser } from '../../../../models/schedulers/index.ts';
const SIZE = 64;
const guided: GuidedDenoiser = async (x, sigma) => {
  const cIn = 1 / Math.sqrt(sigma * sigma + 1);
  const denoised = Float32Array.from(x, (v, i) => 0.9 * Math.tanh(cIn * v) + 0.1 * Math.sin(i));
  return { denoised, unconditional: denoised.map((v) => 0.7 * v) };
};
const out: Record<string, unknown> = {};
const samplers = process.argv[2].split(',');
const schedule = process.argv[3] ?? 'default';
const steps = Number(process.argv[4] ?? 10);
for (const sampler of samplers) {
  const { sigmas } = buildSchedule({ sampler, schedule, steps });
  const x = createNoise(0).normal(SIZE).map((v) => v * sigmas[0]);
  const noise = createStepNoise(1, SIZE);
  const trajectory: number[][] = [];
  const result = await sample({ sampler, denoiser: async (a, s) => (await guided(a, s)).denoised, guidedDenoiser: guided, x, sigmas, noise, onStep: ({ x: xi }) => trajectory.push(Array.from(xi)) });
  out[sampler] = { sigmas: Array.from(sigmas), x0: Array.from(x), noise: Array.from({ length: sigmas.length - 1 }, (_, i) => Array.from(noise(i))), trajectory, result: Array.from(result) };
}
writeFileSync(process.argv[5] ?? '/tmp/lf/dump.json', JSON.stringify(out));
