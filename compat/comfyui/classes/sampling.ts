import type { InputValue } from '../../../runtime/index.ts';
import type { ComfyClass, ComfyInputSpec, ComfyNodeView } from '../class-entry.ts';
import { out } from '../class-entry.ts';
import { samplerChoices, samplerOf, schedulerChoices, schedulerOf } from '../sampling-names.ts';

const SEED_RANGE = 2 ** 32;
/** ComfyUI seeds go up to 2^64; latentflow's are 32-bit, so larger ones are taken modulo 2^32. */
function seedOf(node: ComfyNodeView, name: string): InputValue {
  const value = node.value(name);
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value % SEED_RANGE : value;
}

const samplingInputs = (seedName: string): ComfyInputSpec[] => [
  { name: seedName, type: 'INT', default: 0, min: 0, max: 2 ** 64 - 1, controlAfterGenerate: true },
  { name: 'steps', type: 'INT', default: 20, min: 1, max: 10000 },
  { name: 'cfg', type: 'FLOAT', default: 8, min: 0, max: 100, step: 0.1, round: 0.01 },
  { name: 'sampler_name', type: 'COMBO', choices: samplerChoices },
  { name: 'scheduler', type: 'COMBO', choices: schedulerChoices },
  { name: 'positive', type: 'CONDITIONING' },
  { name: 'negative', type: 'CONDITIONING' },
  { name: 'latent_image', type: 'LATENT' },
];

/**
 * ComfyUI's denoise d < 1 runs `steps` steps: the last ones of an int(steps / d)-step schedule.
 * latentflow's Scheduler keeps the last int(total * denoise) steps, so denoise is chosen to keep exactly `steps`.
 */
function comfyDenoise(steps: number, denoise: number): { steps: number; denoise: number } {
  if (denoise >= 1) return { steps, denoise: 1 };
  const total = Math.floor(steps / denoise);
  return { steps: total, denoise: Math.min(1, (steps + 0.5) / total) };
}

function unetInputs(node: ComfyNodeView, schedule: string, seedName: string): Record<string, InputValue> {
  return {
    unet: node.link('model'),
    positive: node.link('positive'),
    negative: node.link('negative'),
    latent: node.link('latent_image'),
    schedule: { from: schedule, output: 'schedule' },
    cfg: node.value('cfg'),
    seed: seedOf(node, seedName),
  };
}

export const KSampler: ComfyClass = {
  uses: ['Scheduler', 'UNetStep'],
  category: 'sampling',
  description: 'Scheduler (steps, sampler, scheduler, denoise as ComfyUI counts it) and UNetStep over the whole schedule.',
  inputs: [{ name: 'model', type: 'MODEL' }, ...samplingInputs('seed'), { name: 'denoise', type: 'FLOAT', default: 1, min: 0, max: 1, step: 0.01 }],
  outputs: [{ name: 'LATENT', type: 'LATENT' }],
  translate(node) {
    const denoise = node.number('denoise');
    if (denoise <= 0) return [node.socket('latent_image')];
    const schedule = node.add('schedule', 'Scheduler', { sampler: samplerOf(node), schedule: schedulerOf(node), ...comfyDenoise(node.number('steps'), denoise) });
    const id = node.add('', 'UNetStep', { ...unetInputs(node, schedule, 'seed'), start_step: 0, end_step: 0 });
    return [out(id, 'latent')];
  },
};

/** The UNetStep inputs for add_noise / return_with_leftover_noise, or a coded error when this latentflow lacks them. */
function noiseControl(node: ComfyNodeView, start: number, end: number, steps: number): Record<string, InputValue> {
  const addNoise = node.string('add_noise') === 'enable';
  const leftover = node.string('return_with_leftover_noise') === 'enable';
  const inputs: Record<string, InputValue> = {};
  if (node.env.hasInput('UNetStep', 'add_noise')) inputs.add_noise = addNoise ? 'enable' : 'disable';
  else if (addNoise !== (start === 0)) {
    node.fail('comfy_unsupported_value', 'add_noise', `add_noise "${node.string('add_noise')}" with start_at_step ${start} needs UNetStep's add_noise input, which this latentflow lacks`);
  }
  if (node.env.hasInput('UNetStep', 'return_with_leftover_noise')) inputs.return_with_leftover_noise = leftover;
  else if (!leftover && end < steps) {
    node.fail('comfy_unsupported_value', 'return_with_leftover_noise', 'return_with_leftover_noise "disable" before the last step needs UNetStep\'s return_with_leftover_noise input, which this latentflow lacks');
  }
  return inputs;
}

/**
 * Noise added at a later step is latentflow's img2img: a Scheduler keeping the last steps - start steps, and a
 * UNetStep from its first (where it adds the noise). Used when UNetStep has no add_noise input.
 */
function truncated(node: ComfyNodeView, steps: number, start: number, end: number) {
  const denoise = (steps - start + 0.5) / steps;
  const schedule = node.add('schedule', 'Scheduler', { sampler: samplerOf(node), schedule: schedulerOf(node), steps, denoise });
  const id = node.add('', 'UNetStep', {
    ...unetInputs(node, schedule, 'noise_seed'),
    start_step: 0,
    end_step: end === steps ? 0 : end - start,
    ...noiseControl(node, 0, end - start, steps - start),
  });
  return out(id, 'latent');
}

export const KSamplerAdvanced: ComfyClass = {
  uses: ['Scheduler', 'UNetStep'],
  category: 'sampling',
  description: 'Scheduler over all `steps` and UNetStep running [start_at_step, end_at_step), with add_noise and return_with_leftover_noise.',
  inputs: [
    { name: 'model', type: 'MODEL' },
    { name: 'add_noise', type: 'COMBO', choices: () => ['enable', 'disable'] },
    ...samplingInputs('noise_seed'),
    { name: 'start_at_step', type: 'INT', default: 0, min: 0, max: 10000 },
    { name: 'end_at_step', type: 'INT', default: 10000, min: 0, max: 10000 },
    { name: 'return_with_leftover_noise', type: 'COMBO', choices: () => ['disable', 'enable'] },
  ],
  outputs: [{ name: 'LATENT', type: 'LATENT' }],
  translate(node) {
    const steps = node.number('steps');
    const start = node.number('start_at_step');
    const end = Math.min(node.number('end_at_step'), steps);
    // As in ComfyUI, a range with no step returns the latent unchanged.
    if (start >= end) return [node.socket('latent_image')];
    if (start > 0 && node.string('add_noise') === 'enable' && !node.env.hasInput('UNetStep', 'add_noise')) return [truncated(node, steps, start, end)];
    const schedule = node.add('schedule', 'Scheduler', { sampler: samplerOf(node), schedule: schedulerOf(node), steps, denoise: 1 });
    const id = node.add('', 'UNetStep', {
      ...unetInputs(node, schedule, 'noise_seed'),
      start_step: start,
      end_step: end === steps ? 0 : end,
      ...noiseControl(node, start, end, steps),
    });
    return [out(id, 'latent')];
  },
};
