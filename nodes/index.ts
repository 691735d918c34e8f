import { definePlugin } from '../runtime/index.ts';
import emptyLatent from './empty-latent.ts';
import loadImage from './load-image.ts';
import loadModel from './load-model.ts';
import loraLoader from './lora-loader.ts';
import previewImage from './preview-image.ts';
import saveImage from './save-image.ts';
import scheduler from './scheduler.ts';
import textEncoder from './text-encoder.ts';
import tokenizer from './tokenizer.ts';
import unetStep from './unet-step.ts';
import vaeDecode from './vae-decode.ts';
import vaeEncode from './vae-encode.ts';
import vaeLoader from './vae-loader.ts';
import upscaleModelLoader from './upscale-model-loader.ts';
import imageUpscaleWithModel from './image-upscale-with-model.ts';

/** The built-in Stable Diffusion 1.5 nodes. */
export default definePlugin({
  name: 'latentflow-builtin',
  version: '0.1.0',
  runtime: '^1',
  description: 'Stable Diffusion 1.5: models, prompts, samplers, latents and images.',
  nodes: [loadModel, vaeLoader, loraLoader, tokenizer, textEncoder, scheduler, emptyLatent, loadImage, vaeEncode, unetStep, vaeDecode, saveImage, previewImage,
    upscaleModelLoader, imageUpscaleWithModel],
});
