/**
 * Every failure of the Stable Diffusion maths (samplers, schedules, noise, the tokenizer), by stable
 * code. `input` names the node input the bad value most likely came from. Checkpoint and model-folder
 * failures have their own module (checkpoint/errors.ts). models/ imports nothing of runtime/: the
 * executor keeps these codes as they are and adds the node.
 */
export const MODEL_CODES = [
  'unknown_sampler',
  'unknown_schedule',
  'steps_out_of_range',
  'denoise_out_of_range',
  'denoise_leaves_no_steps',
  'steps_outside_schedule',
  'sigmas_invalid',
  'sampling_cancelled',
  'seed_out_of_range',
  'noise_stream_out_of_range',
  'unknown_denoise_rule',
  'denoise_stretches_too_far',
  'sampler_needs_unconditional',
  'vocabulary_not_found',
  'vocabulary_unreadable',
  'token_not_in_vocabulary',
] as const;

export type ModelCode = (typeof MODEL_CODES)[number];

export class ModelError extends Error {
  readonly code: ModelCode;
  /** The node input the value came from, e.g. `sampler` or `seed`. */
  readonly input?: string;

  constructor(code: ModelCode, message: string, details: { input?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ModelError';
    this.code = code;
    if (details.input !== undefined) this.input = details.input;
  }
}

export function isModelError(error: unknown, code?: ModelCode): error is ModelError {
  return error instanceof ModelError && (code === undefined || error.code === code);
}

const listed = (names: readonly string[]) => names.join(', ');

export const unknownSampler = (name: string, known: readonly string[]) =>
  new ModelError('unknown_sampler', `Unknown sampler "${name}"; samplers are ${listed(known)}`, { input: 'sampler' });

export const unknownSchedule = (name: string, known: readonly string[]) =>
  new ModelError('unknown_schedule', `Unknown schedule "${name}"; schedules are ${listed(known)}`, { input: 'schedule' });

export const stepsOutOfRange = (steps: number, max: number) =>
  new ModelError('steps_out_of_range', `steps must be an integer in [1, ${max}], got ${steps}`, { input: 'steps' });

export const denoiseOutOfRange = (denoise: number) =>
  new ModelError('denoise_out_of_range', `denoise must be in [0, 1], got ${denoise}`, { input: 'denoise' });

export const denoiseLeavesNoSteps = (denoise: number, steps: number) =>
  new ModelError('denoise_leaves_no_steps', `denoise ${denoise} with ${steps} steps leaves no step to run (int(steps * denoise) is 0)`, {
    input: 'denoise',
  });

export const stepsOutsideSchedule = (start: number, end: number, steps: number) =>
  new ModelError('steps_outside_schedule', `Steps [${start}, ${end}) are outside the schedule's ${steps} steps`, { input: 'start_step' });

export const sigmasInvalid = (sigmas: ArrayLike<number>) =>
  new ModelError('sigmas_invalid', `Sigmas must be finite, non-negative and non-increasing, got [${Array.from(sigmas).join(', ')}]`, {
    input: 'schedule',
  });

export const samplingCancelled = (cause?: unknown) => new ModelError('sampling_cancelled', 'Sampling was cancelled', { cause });

export const seedOutOfRange = (seed: number) =>
  new ModelError('seed_out_of_range', `Seed ${seed} is not an integer in [0, 2^32)`, { input: 'seed' });

export const noiseStreamOutOfRange = (stream: number) =>
  new ModelError('noise_stream_out_of_range', `Noise stream ${stream} is not an integer in [0, 2^32)`, { input: 'seed' });

export const unknownDenoiseRule = (rule: string, known: readonly string[]) =>
  new ModelError('unknown_denoise_rule', `Unknown denoise rule "${rule}"; rules are ${listed(known)}`, { input: 'denoise_rule' });

export const denoiseStretchesTooFar = (denoise: number, steps: number, total: number, max: number) =>
  new ModelError('denoise_stretches_too_far', `denoise ${denoise} stretches ${steps} steps to ${total}, more than ${max}`, { input: 'denoise' });

export const samplerNeedsUnconditional = (sampler: string) =>
  new ModelError('sampler_needs_unconditional', `Sampler ${sampler} needs the unconditional estimate; pass a guided denoiser`, { input: 'sampler' });

export const vocabularyNotFound = (dirs: string[]) =>
  new ModelError('vocabulary_not_found', `No CLIP vocabulary (vocab.json + merges.txt) in ${dirs.map((d) => `"${d}"`).join(', ')}`);

export const vocabularyUnreadable = (path: string, cause: unknown) =>
  new ModelError('vocabulary_unreadable', `Cannot read CLIP vocabulary ${path}: ${(cause as Error).message}`, { cause });

export const tokenNotInVocabulary = (symbol: string) =>
  new ModelError('token_not_in_vocabulary', `BPE symbol "${symbol}" is not in the CLIP vocabulary`);
