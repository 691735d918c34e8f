/**
 * Every failure of reading a checkpoint, converting it or resolving a model folder, by stable code.
 * Messages name the file (and tensor) at fault; clients match on `code`.
 */
export const MODEL_FILE_CODES = [
  'checkpoint_not_found',
  'checkpoint_unknown_format',
  'checkpoint_truncated',
  'checkpoint_corrupt',
  'checkpoint_unsupported',
  'pickle_forbidden_global',
  'checkpoint_no_state_dict',
  'checkpoint_missing_tensors',
  'checkpoint_wrong_shape',
  'tensor_not_found',
  'conversion_failed',
  'model_not_found',
  'model_name_invalid',
  'model_incomplete',
  'model_corrupt',
  'upscale_model_not_found',
  'upscale_model_unrecognized',
  'upscale_model_invalid',
  'controlnet_not_found',
] as const;

export type ModelFileCode = (typeof MODEL_FILE_CODES)[number];

export class ModelFileError extends Error {
  readonly code: ModelFileCode;
  /** The file or folder at fault. */
  readonly path?: string;

  constructor(code: ModelFileCode, message: string, details: { path?: string; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ModelFileError';
    this.code = code;
    if (details.path !== undefined) this.path = details.path;
  }
}

export function isModelFileError(error: unknown, code?: ModelFileCode): error is ModelFileError {
  return error instanceof ModelFileError && (code === undefined || error.code === code);
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export const checkpointNotFound = (path: string, cause?: unknown) =>
  new ModelFileError('checkpoint_not_found', `Checkpoint ${path} does not exist, is not a file, or cannot be opened`, { path, cause });

export const unknownFormat = (path: string) =>
  new ModelFileError(
    'checkpoint_unknown_format',
    `${path} is neither a PyTorch checkpoint (zip) nor a .safetensors file`,
    { path },
  );

export const truncated = (path: string, detail: string) =>
  new ModelFileError('checkpoint_truncated', `${path} is truncated: ${detail}`, { path });

export const corrupt = (path: string, detail: string, cause?: unknown) =>
  new ModelFileError('checkpoint_corrupt', `${path} is damaged: ${detail}`, { path, cause });

export const unsupported = (path: string, detail: string) =>
  new ModelFileError('checkpoint_unsupported', `${path} uses a feature this reader does not support: ${detail}`, {
    path,
  });

export const forbiddenGlobal = (path: string, global: string) =>
  new ModelFileError(
    'pickle_forbidden_global',
    `${path} refers to the Python global "${global}", which a state dict never needs; ` +
      'refusing to load it (it could run code in Python)',
    { path },
  );

export const noStateDict = (path: string) =>
  new ModelFileError('checkpoint_no_state_dict', `${path} holds no state dict (no dictionary of tensors)`, { path });

export const tensorNotFound = (path: string, name: string) =>
  new ModelFileError('tensor_not_found', `${path} has no tensor named "${name}"`, { path });

export interface ShapeMismatch {
  name: string;
  expected: number[];
  actual: number[];
}

/**
 * Missing tensors take precedence over wrong shapes for the code; the message lists all problems.
 * `unexpected` are network tensors the inferred sizes do not account for: a sign of a missing tensor.
 */
export function incompatibleCheckpoint(
  path: string,
  missing: string[],
  wrongShape: ShapeMismatch[],
  unexpected: string[] = [],
): ModelFileError {
  const listed = (items: string[]) =>
    items.slice(0, 20).concat(items.length > 20 ? [`... ${items.length - 20} more`] : []).map((item) => `  ${item}`);
  const lines: string[] = [];
  if (missing.length > 0) lines.push(`${missing.length} tensor(s) missing:`, ...listed(missing));
  if (wrongShape.length > 0) {
    lines.push(
      `${wrongShape.length} tensor(s) with the wrong shape:`,
      ...listed(wrongShape.map((m) => `${m.name}: expected [${m.expected}], found [${m.actual}]`)),
    );
  }
  if (unexpected.length > 0) {
    lines.push(`${unexpected.length} tensor(s) that do not fit the sizes read from the checkpoint (is one missing?):`, ...listed(unexpected));
  }
  const code = missing.length > 0 || wrongShape.length === 0 ? 'checkpoint_missing_tensors' : 'checkpoint_wrong_shape';
  return new ModelFileError(code, `${path} is not a Stable Diffusion 1.x checkpoint this converter accepts.\n${lines.join('\n')}`, {
    path,
  });
}

export const conversionFailed = (path: string, cause: unknown) =>
  new ModelFileError('conversion_failed', `Converting ${path} failed: ${messageOf(cause)}`, { path, cause });

export const modelNotFound = (name: string, available: string[]) =>
  new ModelFileError(
    'model_not_found',
    `No model named "${name}". Available: ${available.length > 0 ? available.join(', ') : '(none)'}` +
      ' (a folder under data/models/, or a .ckpt/.safetensors file in data/)',
  );

export const modelNameInvalid = (name: string) =>
  new ModelFileError(
    'model_name_invalid',
    `Model name "${name}" is not allowed: use a plain name of a folder under data/models/ or a checkpoint in data/`,
  );

export const modelIncomplete = (dir: string, missing: string[]) =>
  new ModelFileError('model_incomplete', `Model folder ${dir} lacks ${missing.join(', ')}`, { path: dir });

export const modelCorrupt = (path: string, cause: unknown) =>
  new ModelFileError('model_corrupt', `${path} is not a readable ONNX model: ${messageOf(cause)}`, { path, cause });

export const upscaleModelNotFound = (name: string, dir: string, available: string[]) =>
  new ModelFileError(
    'upscale_model_not_found',
    `No upscale model "${name}" in ${dir}. Available: ${available.length > 0 ? available.join(', ') : '(none)'} (.pth or .safetensors files)`,
  );

export const upscaleModelUnrecognized = (path: string, firstKeys: string[]) =>
  new ModelFileError(
    'upscale_model_unrecognized',
    `${path} is not an RRDBNet (ESRGAN / Real-ESRGAN) upscale model: it has neither conv_first.weight nor model.0.weight ` +
      `(its first tensors: ${firstKeys.join(', ') || '(none)'})`,
    { path },
  );

export const upscaleModelInvalid = (path: string, problems: string[]) =>
  new ModelFileError(
    'upscale_model_invalid',
    `${path} is an RRDBNet with tensors this builder cannot use:\n${problems.slice(0, 20).map((p) => `  ${p}`).join('\n')}` +
      (problems.length > 20 ? `\n  ... ${problems.length - 20} more` : ''),
    { path },
  );

export const controlNetNotFound = (name: string, dir: string, available: string[]) =>
  new ModelFileError(
    'controlnet_not_found',
    `No ControlNet "${name}" in ${dir}. Available: ${available.length > 0 ? available.join(', ') : '(none)'} ` +
      '(.pth, .safetensors, .ckpt files in the original layout, or diffusers folders with config.json)',
  );
