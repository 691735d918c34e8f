import { LatentflowError } from '../../runtime/index.ts';

/**
 * Every failure of the built-in nodes, by stable code, each thrown through a named constructor below.
 * The executor adds the node id and type; `input` names the input at fault.
 */
export const NODE_CODES = [
  'output_write_failed',
  'filename_prefix_invalid',
  'vae_encoder_missing',
  'image_size_not_multiple_of_8',
  'image_name_invalid',
  'input_image_not_found',
  'image_unreadable',
  'image_too_large',
  'no_steps_to_run',
  'latent_shape_invalid',
  'native_size_needs_unet',
  'image_side_invalid',
  'conditioning_batch_mismatch',
  'unet_input_missing',
  'unet_input_type_unsupported',
  'text_encoder_output_missing',
  'tile_overlap_invalid',
  'mask_batch_mismatch',
  'scaled_size_too_large',
  'unet_channels_unsupported',
  'unet_freeu_unsupported',
  'canny_thresholds_inverted',
  'unet_control_unsupported',
  'controlnet_unet_mismatch',
  'controlnet_with_conditioning_parts',
] as const;

export type NodeCode = (typeof NODE_CODES)[number];

const nodeError = (code: NodeCode, message: string, details: { input?: string; cause?: unknown } = {}) =>
  new LatentflowError(code, message, details);

/** The disk, not the user: a full disk or a read-only output folder. */
export const outputWriteFailed = (name: string, dir: string, cause: unknown) =>
  nodeError('output_write_failed', `cannot write "${name}" in ${dir}: ${(cause as Error).message}`, { cause });

export const filenamePrefixInvalid = (prefix: string, cause: unknown) =>
  nodeError('filename_prefix_invalid', `filename_prefix "${prefix}" must name a file inside the output folder`, { input: 'filename_prefix', cause });

export const vaeEncoderMissing = (model: string) =>
  nodeError('vae_encoder_missing', `model "${model}" has no VAE encoder (vae_encoder/model.onnx), so it cannot do img2img`, { input: 'vae' });

export const imageSizeNotMultipleOf8 = (width: number, height: number) =>
  nodeError('image_size_not_multiple_of_8', `image is ${width}x${height}; VAE encoding needs multiples of 8`, { input: 'image' });

export const imageNameInvalid = (image: string, cause: unknown) =>
  nodeError('image_name_invalid', `image "${image}" must be a file name inside the input folder`, { input: 'image', cause });

export const inputImageNotFound = (image: string, dirs: string[]) =>
  nodeError('input_image_not_found', `image "${image}" is not in ${dirs.join(' nor among the examples in ')}`, { input: 'image' });

export const imageUnreadable = (path: string, cause: unknown) =>
  nodeError('image_unreadable', `cannot use ${path} as an image: ${(cause as Error).message}`, { input: 'image', cause });

/** A decompression bomb, refused by its header before it is inflated. */
export const imageTooLarge = (path: string, cause: unknown) =>
  nodeError('image_too_large', `cannot use ${path} as an image: ${(cause as Error).message}`, { input: 'image', cause });

export const noStepsToRun = (start: number, end: number, steps: number) =>
  nodeError('no_steps_to_run', `start_step ${start} leaves no step to run (the schedule has ${steps}, end_step is ${end})`, { input: 'start_step' });

export const latentShapeInvalid = (shape: number[]) =>
  nodeError('latent_shape_invalid', `latent has shape [${shape.join(', ')}]; expected [B, 4, h, w]`, { input: 'latent' });

export const nativeSizeNeedsUnet = (side: string) =>
  nodeError('native_size_needs_unet', `${side} is 0 (the model's native size) but no unet is linked: link one or give a size`, { input: side });

export const imageSideInvalid = (side: string, value: number, min: number, max: number) =>
  nodeError('image_side_invalid', `${side} must be a multiple of 8 from ${min} to ${max}, or 0, got ${value}`, { input: side });

export const conditioningBatchMismatch = (input: string, rows: number, batch: number) =>
  nodeError('conditioning_batch_mismatch', `${input} conditioning has batch ${rows}, the latent has ${batch}; use batch 1 or ${batch}`, { input });

export const unetInputMissing = (modelPath: string, name: string, names: string[]) =>
  nodeError('unet_input_missing', `UNet ${modelPath} has no "${name}" input (it has ${names.join(', ')})`, { input: 'unet' });

export const unetInputTypeUnsupported = (modelPath: string, name: string, type: string, supported: readonly string[]) =>
  nodeError('unet_input_type_unsupported', `UNet ${modelPath} takes "${name}" as ${type}; supported: ${supported.join(', ')}`, { input: 'unet' });

export const textEncoderOutputMissing = (model: string, path: string, output: string, hint: string) =>
  nodeError('text_encoder_output_missing', `the text encoder of model "${model}" (${path}) has no "${output}" output${hint}`, { input: 'clip_skip' });

export const tileOverlapInvalid = (tile: number, overlap: number) =>
  nodeError('tile_overlap_invalid', `overlap ${overlap} must be smaller than tile_size ${tile}`, { input: 'overlap' });

export const maskBatchMismatch = (planes: number, images: number) =>
  nodeError('mask_batch_mismatch', `mask has ${planes} planes for ${images} images; give 1 or ${images}`, { input: 'mask' });

export const scaledSizeTooLarge = (width: number, height: number, scale: number, size: { width: number; height: number }, max: number) =>
  nodeError('scaled_size_too_large', `scaling ${width}x${height} by ${scale} gives ${size.width}x${size.height}, over ${max} a side`, { input: 'scale_by' });

/** A UNet whose `sample` takes neither the latent's channels (SD 1.5) nor those plus mask and masked image (inpainting). */
export const unetChannelsUnsupported = (modelPath: string, channels: number, latent: number, inpainting: number) =>
  nodeError('unet_channels_unsupported', `UNet ${modelPath} takes ${channels} input channels; latentflow runs ${latent} (SD 1.5) or ${inpainting} (inpainting)`, { input: 'unet' });

export const unetFreeUUnsupported = (modelPath: string, inputs: readonly string[]) =>
  nodeError(
    'unet_freeu_unsupported',
    `UNet ${modelPath} has no FreeU inputs (${inputs.join(', ')}) and was not converted by latentflow, so FreeU cannot be added to it`,
    { input: 'unet' },
  );
export const cannyThresholdsInverted = (low: number, high: number) =>
  nodeError('canny_thresholds_inverted', `low_threshold ${low} is above high_threshold ${high}; the low one must not exceed the high one`, {
    input: 'low_threshold',
  });

/** A UNet that has no ControlNet inputs and that latentflow cannot give them (it did not convert it). */
export const unetControlUnsupported = (modelPath: string) =>
  nodeError('unet_control_unsupported', `UNet ${modelPath} has no ControlNet inputs (control_0 ...) and was not converted by latentflow, so no ControlNet can steer it`, {
    input: 'positive',
  });

/** ControlNet residuals are computed for the whole latent and one prompt; combined or area prompts would each need their own. */
export const controlNetWithConditioningParts = () =>
  nodeError(
    'controlnet_with_conditioning_parts',
    'a ControlNet cannot yet steer combined or area conditioning (ConditioningCombine, ConditioningSetArea, a strength other than 1); apply it to a single prompt',
    { input: 'positive' },
  );

export const controlNetUnetMismatch = (controlNet: string, model: string, input: 'positive' | 'negative') =>
  nodeError('controlnet_unet_mismatch', `ControlNet "${controlNet}" was made for a UNet of other sizes than model "${model}"'s; use a ControlNet for this model`, { input });
