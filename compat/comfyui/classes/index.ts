import type { ComfyClass } from '../class-entry.ts';
import { CLIPSetLastLayer, CLIPTextEncode } from './conditioning.ts';
import { LoadImage, PreviewImage, SaveImage } from './image.ts';
import { EmptyLatentImage, VAEDecode, VAEEncode } from './latent.ts';
import { CheckpointLoaderSimple } from './loaders.ts';
import { PrimitiveBoolean, PrimitiveFloat, PrimitiveInt, PrimitiveString, PrimitiveStringMultiline } from './primitives.ts';
import { KSampler, KSamplerAdvanced } from './sampling.ts';

/** Every ComfyUI class latentflow runs, by class_type. Adding one is one entry here. */
export const COMFY_CLASSES: Readonly<Record<string, ComfyClass>> = {
  CheckpointLoaderSimple,
  CLIPTextEncode,
  CLIPSetLastLayer,
  KSampler,
  KSamplerAdvanced,
  EmptyLatentImage,
  VAEDecode,
  VAEEncode,
  LoadImage,
  SaveImage,
  PreviewImage,
  PrimitiveInt,
  PrimitiveFloat,
  PrimitiveString,
  PrimitiveStringMultiline,
  PrimitiveBoolean,
};
