import { buildSchedule, SAMPLERS, SCHEDULE_ALIASES, SCHEDULERS } from '../models/schedulers/index.ts';
import { isModelError } from '../models/errors.ts';
import { defineCommand, EXIT, UsageError } from './args.ts';

const USAGE = `usage: latentflow schedule [--sampler <name>] [--steps <n>] [--schedule <name>] [--denoise <d>] [--denoise-rule <rule>] [--json]

  Prints the UNet timesteps and noise levels (sigmas) a Scheduler node gives UNetStep.
  --sampler <name>    ${SAMPLERS.join(', ')} (default euler)
  --steps <n>         steps before denoise strength is applied (default 20)
  --schedule <name>   ${[...SCHEDULERS, ...SCHEDULE_ALIASES].join(', ')} (default normal)
  --denoise <d>       img2img strength in [0, 1] (default 1)
  --denoise-rule <r>  truncate: run the last int(steps * d) of steps (default);
                      stretch: run steps of int(steps / d), as ComfyUI's KSampler
  --json              print {"sampler", "schedule", "steps", "denoise", "denoiseRule", "timesteps", "sigmas"} as JSON`;

function parseNumber(option: string, raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${option} expects a number, got "${raw}"`);
  return value;
}

export const main = defineCommand({
  usage: USAGE,
  options: {
    sampler: { type: 'string', default: 'euler' },
    steps: { type: 'string', default: '20' },
    schedule: { type: 'string', default: 'normal' },
    denoise: { type: 'string', default: '1' },
    'denoise-rule': { type: 'string', default: 'truncate' },
    json: { type: 'boolean', default: false },
  },
  async run({ values }) {
    const options = {
      sampler: values.sampler,
      schedule: values.schedule,
      steps: parseNumber('steps', values.steps),
      denoise: parseNumber('denoise', values.denoise),
      denoiseRule: values['denoise-rule'],
    };
    let built: ReturnType<typeof buildSchedule>;
    try {
      built = buildSchedule(options);
    } catch (error) {
      if (isModelError(error)) throw new UsageError(error.message, { cause: error });
      throw error;
    }
    const { sigmas, timesteps } = built;
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ ...options, timesteps: Array.from(timesteps), sigmas: Array.from(sigmas) })}\n`);
      return EXIT.ok;
    }
    process.stdout.write(`${options.sampler}, ${options.schedule} schedule: ${timesteps.length} of ${options.steps} steps\n`);
    process.stdout.write(`${'step'.padStart(4)}  ${'timestep'.padStart(10)}  ${'sigma'.padStart(12)}\n`);
    timesteps.forEach((t, i) => {
      process.stdout.write(`${String(i).padStart(4)}  ${formatTimestep(t).padStart(10)}  ${sigmas[i].toFixed(6).padStart(12)}\n`);
    });
    process.stdout.write(`${'end'.padStart(4)}  ${''.padStart(10)}  ${sigmas[sigmas.length - 1].toFixed(6).padStart(12)}\n`);
    return EXIT.ok;
  },
});

function formatTimestep(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(3);
}
