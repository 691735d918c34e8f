import { WIRE_FORMAT_CODES } from '../contract/index.ts';
import { ADAPTER_CODES, type AdapterCode } from '../models/adapters/index.ts';
import { MODEL_FILE_CODES, type ModelFileCode } from '../models/checkpoint/index.ts';
import { MODEL_CODES, type ModelCode } from '../models/errors.ts';
import { NODE_CODES, type NodeCode } from '../nodes/lib/errors.ts';
import { RUNTIME_CODES, VALIDATION_CODES, type ErrorCode } from '../runtime/index.ts';
import { COMFY_CODES, type ComfyCode } from '../compat/comfyui/errors.ts';
import { COMPAT_CODES, COMPAT_STATUS, type CompatCode } from './compat-errors.ts';
import { SERVER_CODES, SERVER_STATUS, type ServerCode } from './errors.ts';

type WireFormatCode = (typeof WIRE_FORMAT_CODES)[number];
export type KnownCode = ErrorCode | ModelCode | ModelFileCode | AdapterCode | NodeCode | ServerCode | WireFormatCode | ComfyCode | CompatCode;

/** Every code list a layer exports, by owner; a code appears in exactly one (test/server/error-status.test.ts). */
export const CODE_LISTS: Record<string, readonly string[]> = {
  'runtime validation': VALIDATION_CODES,
  runtime: RUNTIME_CODES,
  models: MODEL_CODES,
  'models/checkpoint': MODEL_FILE_CODES,
  'models/adapters': ADAPTER_CODES,
  nodes: NODE_CODES,
  server: SERVER_CODES,
  contract: WIRE_FORMAT_CODES,
  'compat/comfyui': COMFY_CODES,
  'server compat routes': COMPAT_CODES,
};

const validation = Object.fromEntries(VALIDATION_CODES.map((code) => [code, 400])) as Record<(typeof VALIDATION_CODES)[number], 400>;

/**
 * The HTTP status of every known code. 4xx: the request (or the workflow or file it names) is at fault;
 * 5xx: the server, its disk, its models or its plugins are. Typed over every code list, so a new code
 * without a status does not compile.
 */
export const ERROR_STATUS: Record<KnownCode, number> = {
  ...validation,
  ...SERVER_STATUS,
  ...COMPAT_STATUS,
  // compat/comfyui: a ComfyUI workflow that cannot convert is the request's fault
  ...(Object.fromEntries(COMFY_CODES.map((code) => [code, 400])) as Record<ComfyCode, 400>),
  // runtime
  node_failed: 500,
  cancelled: 409,
  output_not_serializable: 500,
  plugin_load_failed: 500,
  plugin_invalid: 500,
  plugin_runtime_mismatch: 500,
  plugin_missing_dependency: 500,
  duplicate_node_type: 500,
  bad_override: 400,
  unknown_hook: 500,
  backend_unavailable: 400,
  model_load_failed: 500,
  inference_failed: 500,
  session_closed: 500,
  path_escape: 400,
  // models
  unknown_sampler: 400,
  unknown_schedule: 400,
  steps_out_of_range: 400,
  denoise_out_of_range: 400,
  denoise_leaves_no_steps: 400,
  steps_outside_schedule: 400,
  sigmas_invalid: 400,
  sampling_cancelled: 409,
  seed_out_of_range: 400,
  noise_stream_out_of_range: 500,
  unknown_denoise_rule: 400,
  denoise_stretches_too_far: 400,
  sampler_needs_unconditional: 500,
  vocabulary_not_found: 500,
  vocabulary_unreadable: 500,
  token_not_in_vocabulary: 500,
  // models/checkpoint: a checkpoint someone hands in is input; a model folder the server keeps is its own
  checkpoint_not_found: 404,
  checkpoint_unknown_format: 400,
  checkpoint_truncated: 400,
  checkpoint_corrupt: 400,
  checkpoint_unsupported: 400,
  pickle_forbidden_global: 400,
  checkpoint_no_state_dict: 400,
  checkpoint_missing_tensors: 400,
  checkpoint_wrong_shape: 400,
  tensor_not_found: 400,
  conversion_failed: 500,
  model_not_found: 404,
  model_name_invalid: 400,
  model_incomplete: 500,
  model_corrupt: 500,
  upscale_model_not_found: 404,
  controlnet_not_found: 404,
  upscale_model_unrecognized: 400,
  upscale_model_invalid: 400,
  // models/adapters: LoRAs and embeddings named in a workflow are its input
  lora_not_found: 404,
  lora_unreadable: 400,
  lora_invalid: 400,
  lora_wrong_architecture: 400,
  lora_shape_mismatch: 400,
  lora_unsupported: 400,
  embedding_not_found: 404,
  embedding_unreadable: 400,
  embedding_invalid: 400,
  model_not_patchable: 400,
  unet_variant_unavailable: 400,
  // nodes
  output_write_failed: 500,
  filename_prefix_invalid: 400,
  vae_encoder_missing: 400,
  image_size_not_multiple_of_8: 400,
  image_name_invalid: 400,
  input_image_not_found: 404,
  image_unreadable: 400,
  image_too_large: 413,
  no_steps_to_run: 400,
  latent_shape_invalid: 400,
  native_size_needs_unet: 400,
  image_side_invalid: 400,
  conditioning_batch_mismatch: 400,
  unet_input_missing: 500,
  unet_input_type_unsupported: 500,
  tile_overlap_invalid: 400,
  mask_batch_mismatch: 400,
  scaled_size_too_large: 400,
  // a model file the server holds, like a missing UNet input
  unet_channels_unsupported: 500,
  // FreeU asked of a model converted without it: the workflow asks what this model cannot do
  unet_freeu_unsupported: 400,
  // ControlNet asked of a UNet it cannot steer
  unet_control_unsupported: 400,
  controlnet_unet_mismatch: 400,
  controlnet_with_conditioning_parts: 400,
  text_encoder_output_missing: 400,
  canny_thresholds_inverted: 400,
  // contract
  bad_preview_frame: 400,
  bad_png: 400,
};

/** The status for a code; a code no layer declares (a plugin's own) is the server's problem until it is mapped. */
export function statusOf(code: string): number {
  return Object.hasOwn(ERROR_STATUS, code) ? ERROR_STATUS[code as KnownCode] : 500;
}
