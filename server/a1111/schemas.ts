import { Type, type Static } from '@sinclair/typebox';

/** The fields of A1111's StableDiffusionProcessingTxt2Img/Img2Img that latentflow reads; others are accepted and ignored. */
export const GenerationBody = Type.Object({
  prompt: Type.Optional(Type.String({ maxLength: 100_000 })),
  negative_prompt: Type.Optional(Type.String({ maxLength: 100_000 })),
  steps: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  cfg_scale: Type.Optional(Type.Number()),
  sampler_name: Type.Optional(Type.String()),
  sampler_index: Type.Optional(Type.String()),
  scheduler: Type.Optional(Type.String()),
  seed: Type.Optional(Type.Integer({ minimum: -1, maximum: 2 ** 32 - 1 })),
  width: Type.Optional(Type.Integer({ minimum: 8, maximum: 2048 })),
  height: Type.Optional(Type.Integer({ minimum: 8, maximum: 2048 })),
  batch_size: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
  n_iter: Type.Optional(Type.Integer({ minimum: 1, maximum: 16 })),
  denoising_strength: Type.Optional(Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()])),
  init_images: Type.Optional(Type.Array(Type.String(), { maxItems: 16 })),
  mask: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  resize_mode: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
  mask_blur: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 64 }), Type.Null()])),
  mask_blur_x: Type.Optional(Type.Integer({ minimum: 0, maximum: 64 })),
  mask_blur_y: Type.Optional(Type.Integer({ minimum: 0, maximum: 64 })),
  inpainting_mask_invert: Type.Optional(Type.Integer({ minimum: 0, maximum: 1 })),
  inpainting_fill: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
  inpaint_full_res: Type.Optional(Type.Union([Type.Boolean(), Type.Integer({ minimum: 0, maximum: 1 })])),
  enable_hr: Type.Optional(Type.Boolean()),
  hr_scale: Type.Optional(Type.Number({ minimum: 1, maximum: 4 })),
  hr_upscaler: Type.Optional(Type.String()),
  hr_second_pass_steps: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  hr_resize_x: Type.Optional(Type.Integer({ minimum: 0, maximum: 2048 })),
  hr_resize_y: Type.Optional(Type.Integer({ minimum: 0, maximum: 2048 })),
  override_settings: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  send_images: Type.Optional(Type.Boolean()),
});
export type GenerationRequest = Static<typeof GenerationBody>;

export const OptionsBody = Type.Record(Type.String(), Type.Unknown());
