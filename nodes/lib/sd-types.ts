// The values that flow between the Stable Diffusion nodes. Model handles are plain data
// (paths and settings); sessions are opened on demand through `ctx.env.sessions`.

export type { ImageBatch } from './image.ts';
import type { AppliedLora, ExtraTokens } from '../../models/adapters/index.ts';
export type { AppliedLora, ExtraTokens };
export type { Mask } from './mask.ts';
import type { Mask } from './mask.ts';
import type { ImageBatch } from './image.ts';
import type { UnetConfig } from '../../models/sd15/index.ts';

/** The text encoder and the vocabulary of one model. */
export interface ClipHandle {
  model: string;
  backend: string;
  textEncoder: string;
  tokenizerDir: string;
  /** LoRAs applied to the text encoder (by LoraLoader), in order. */
  loras?: AppliedLora[];
}

export interface UnetHandle {
  model: string;
  backend: string;
  path: string;
  /** Image side the model was trained at (512 for SD 1.5); EmptyLatent's size when given 0. */
  nativeImageSize: number;
  /**
   * Channels the UNet's `sample` input takes: 4, or 9 for an inpainting UNet (the noisy latent, the
   * mask downscaled to the latent, the masked image's latent). Absent means 4 (e.g. an imported
   * folder whose sizes are not recorded).
   */
  inChannels?: number;
  /** LoRAs applied to the UNet (by LoraLoader), in order; `path` stays the base model's. */
  loras?: AppliedLora[];
  /** FreeU factors set by the FreeU / FreeU_V2 nodes; fed to a UNet that has the FreeU inputs. */
  freeU?: FreeUSettings;
}

export interface FreeUSettings {
  b1: number;
  b2: number;
  s1: number;
  s2: number;
  version: 1 | 2;
}

export interface VaeHandle {
  model: string;
  backend: string;
  /** Missing for imported models that ship only a decoder. */
  encoder?: string;
  decoder: string;
}

/** An RRDBNet converted to ONNX: a float32 [1, 3, H, W] in [0, 1] -> [1, 3, H * scale, W * scale] network. */
export interface UpscaleModelHandle {
  name: string;
  path: string;
  scale: number;
  /** Input sides must be multiples of this (the model's pixel-unshuffle factor). */
  inputMultiple: number;
  /** Sets the automatic tile size. */
  numFeat: number;
  growth: number;
}

/** One prompt as the text encoder reads it. */
export interface Tokens {
  /** 77 ids per chunk: BOS, up to 75 BPE ids, EOS, EOS padding. */
  ids: Int32Array;
  /** Tokens of the prompt, embedding vectors included (more than 75 take more than one chunk). */
  count: number;
  /** Emphasis of each id (1 when absent). */
  weights?: Float32Array;
  /**
   * The chunks under A1111's rule, when they differ: A1111 ends a chunk after a comma among its last
   * 20 tokens rather than cutting it at 75 (comma_padding_backtrack). TextEncoder's `a1111` weighting reads these.
   */
  a1111?: { ids: Int32Array; weights: Float32Array };
  /** Rows of textual-inversion embeddings, which the ids from the vocabulary size on refer to. */
  embeddings?: ExtraTokens;
}

/** Text encoder output, float32 [B, 77, width]. */
export interface Conditioning {
  data: Float32Array;
  shape: number[];
  /** ControlNets that steer the UNet wherever this conditioning is used, summed (ControlNetApply*, nodes/lib/control.ts). */
  control?: ControlApplication[];
  /** Where this prompt applies, in image pixels (ConditioningSetArea); absent: everywhere. */
  area?: ConditioningArea;
  /** Its weight where it applies (ConditioningSetArea); absent: 1. */
  strength?: number;
  /** Prompts combined with this one (ConditioningCombine): each is run by the UNet and the results averaged, see conditioning-parts.ts. */
  others?: Conditioning[];
}

/** An SD 1.5 ControlNet converted to ONNX (ControlNetLoader). */
export interface ControlNetHandle {
  /** Its name in data/controlnet/. */
  name: string;
  /** Its controlnet.onnx. */
  path: string;
  /** The sizes of the UNet it steers. */
  config: UnetConfig;
}

/** One ControlNet applied to a conditioning. */
export interface ControlApplication {
  controlNet: ControlNetHandle;
  /** The control image (hint), scaled to the sampled image's size when used. */
  image: ImageBatch;
  /** Its residuals are multiplied by this before they are added to the UNet's. */
  strength: number;
  /** The part of sampling where it acts, as fractions from the start (ComfyUI's start_percent and end_percent). */
  start: number;
  end: number;
}

/** A rectangle of the image in pixels (multiples of 8). */
export interface ConditioningArea {
  width: number;
  height: number;
  x: number;
  y: number;
}

/** What UNetStep walks through: `sigmas` has one more entry than there are steps (the last is 0). */
export interface Schedule {
  sampler: string;
  sigmas: number[];
}

/** A latent in the model's (scaled) space, float32 [B, 4, H/8, W/8]. */
export interface Latent {
  data: Float32Array;
  shape: number[];
  /**
   * Where sampling may change the latent (SetLatentNoiseMask, VAEEncodeForInpaint): 1 = repaint,
   * 0 = keep, at any resolution (resampled to the latent's). UNetStep keeps it on its output.
   */
  noiseMask?: Mask;
}

/** Socket type names, as they appear in node descriptions and workflow validation. */
export const SD_TYPES = {
  clip: 'CLIP',
  unet: 'UNET',
  vae: 'VAE',
  tokens: 'TOKENS',
  conditioning: 'CONDITIONING',
  schedule: 'SCHEDULE',
  latent: 'LATENT',
  image: 'IMAGE',
  mask: 'MASK',
  upscaleModel: 'UPSCALE_MODEL',
  controlNet: 'CONTROL_NET',
} as const;

/** SD 1.5's VAE latent scale factor. */
export const LATENT_SCALE = 0.18215;
