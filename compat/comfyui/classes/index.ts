import type { ComfyClass } from '../class-entry.ts';
import { CLIPSetLastLayer, CLIPTextEncode, ConditioningCombine, ConditioningSetArea, ConditioningZeroOut } from './conditioning.ts';
import { Canny, LoadImage, PreviewImage, SaveImage } from './image.ts';
import { ImagePadForOutpaint, SetLatentNoiseMask, VAEEncodeForInpaint } from './inpainting.ts';
import { EmptyLatentImage, VAEDecode, VAEDecodeTiled, VAEEncode, VAEEncodeTiled } from './latent.ts';
import { LoraLoader } from './lora.ts';
import { FeatherMask, GrowMask, InvertMask, LoadImageMask, MaskComposite, ThresholdMask } from './masks.ts';
import { ImageScale, ImageScaleBy, LatentUpscale, LatentUpscaleBy } from './scaling.ts';
import { CheckpointLoaderSimple, VAELoader } from './loaders.ts';
import { ControlNetApply, ControlNetApplyAdvanced, ControlNetLoader } from './controlnet.ts';
import { FreeU, FreeU_V2 } from './model-patches.ts';
import { PrimitiveBoolean, PrimitiveFloat, PrimitiveInt, PrimitiveString, PrimitiveStringMultiline } from './primitives.ts';
import { KSampler, KSamplerAdvanced } from './sampling.ts';
import { ImageUpscaleWithModel, UpscaleModelLoader } from './upscale-models.ts';

/**
 * Every ComfyUI class latentflow can run, by class_type. Adding one is one entry here. A class counts only where
 * this installation has the latentflow nodes it `uses` (LoraLoader, the editing nodes: see availableClass).
 */
export const COMFY_CLASSES: Readonly<Record<string, ComfyClass>> = {
  CheckpointLoaderSimple,
  VAELoader,
  CLIPTextEncode,
  CLIPSetLastLayer,
  ConditioningCombine,
  ConditioningSetArea,
  ConditioningZeroOut,
  KSampler,
  KSamplerAdvanced,
  EmptyLatentImage,
  VAEDecode,
  VAEEncode,
  LoadImage,
  SaveImage,
  PreviewImage,
  LoraLoader,
  LatentUpscale,
  LatentUpscaleBy,
  ImageScale,
  ImageScaleBy,
  UpscaleModelLoader,
  ImageUpscaleWithModel,
  SetLatentNoiseMask,
  VAEEncodeForInpaint,
  ImagePadForOutpaint,
  LoadImageMask,
  InvertMask,
  GrowMask,
  FeatherMask,
  ThresholdMask,
  MaskComposite,
  VAEDecodeTiled,
  VAEEncodeTiled,
  PrimitiveInt,
  PrimitiveFloat,
  PrimitiveString,
  PrimitiveStringMultiline,
  PrimitiveBoolean,
  Canny,
  ControlNetLoader,
  ControlNetApply,
  ControlNetApplyAdvanced,
  FreeU,
  FreeU_V2,
};

/** The entry for a class_type, when this installation has the latentflow nodes it becomes. */
export function availableClass(classType: string, hasType: (type: string) => boolean): ComfyClass | undefined {
  const entry = Object.hasOwn(COMFY_CLASSES, classType) ? COMFY_CLASSES[classType] : undefined;
  return entry && entry.uses.every(hasType) ? entry : undefined;
}
