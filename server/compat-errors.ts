import type { Issue } from '../contract/index.ts';

/** Failures of the ComfyUI and A1111 routes, with their HTTP status (conversion codes are compat/comfyui/errors.ts). */
export const COMPAT_STATUS = {
  comfy_bad_folder_type: 400,
  comfy_file_not_found: 404,
  comfy_malformed_upload: 400,
  comfy_unknown_model_folder: 404,
  comfy_conversion_failed: 400,
  a1111_bad_init_image: 400,
  a1111_bad_mask: 400,
  a1111_unknown_model: 400,
  a1111_unsupported_clip_skip: 400,
  a1111_unknown_sampler: 400,
  a1111_unknown_scheduler: 400,
  a1111_hires_fix_unavailable: 422,
  a1111_inpainting_unavailable: 422,
  a1111_resize_mode_unavailable: 422,
} as const;

export type CompatCode = keyof typeof COMPAT_STATUS;
export const COMPAT_CODES = Object.keys(COMPAT_STATUS) as CompatCode[];

export class CompatError extends Error {
  readonly statusCode: number;
  readonly issues?: Issue[];

  constructor(
    readonly code: CompatCode,
    message: string,
    options: { cause?: unknown; issues?: Issue[] } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CompatError';
    this.statusCode = COMPAT_STATUS[code];
    if (options.issues) this.issues = options.issues;
  }
}
