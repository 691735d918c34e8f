import { definePlugin } from '../runtime/index.ts';
import blurMask from './blur-mask.ts';
import cannyNode from './canny.ts';
import controlNetApply from './controlnet-apply.ts';
import controlNetApplyAdvanced from './controlnet-apply-advanced.ts';
import controlNetLoader from './controlnet-loader.ts';
import conditioningCombine from './conditioning-combine.ts';
import conditioningSetArea from './conditioning-set-area.ts';
import conditioningZeroOut from './conditioning-zero-out.ts';
import emptyLatent from './empty-latent.ts';
import featherMask from './feather-mask.ts';
import freeU from './freeu.ts';
import freeUV2 from './freeu-v2.ts';
import growMask from './grow-mask.ts';
import imageCompositeMasked from './image-composite-masked.ts';
import imagePadForOutpaint from './image-pad-for-outpaint.ts';
import imageScale from './image-scale.ts';
import imageScaleBy from './image-scale-by.ts';
import invertMask from './invert-mask.ts';
import latentUpscale from './latent-upscale.ts';
import latentUpscaleBy from './latent-upscale-by.ts';
import loadImage from './load-image.ts';
import loadImageMask from './load-image-mask.ts';
import loadModel from './load-model.ts';
import loraLoader from './lora-loader.ts';
import maskComposite from './mask-composite.ts';
import previewImage from './preview-image.ts';
import saveImage from './save-image.ts';
import scheduler from './scheduler.ts';
import setLatentNoiseMask from './set-latent-noise-mask.ts';
import textEncoder from './text-encoder.ts';
import thresholdMask from './threshold-mask.ts';
import tokenizer from './tokenizer.ts';
import unetStep from './unet-step.ts';
import vaeDecode from './vae-decode.ts';
import vaeDecodeTiled from './vae-decode-tiled.ts';
import vaeEncode from './vae-encode.ts';
import vaeLoader from './vae-loader.ts';
import vaeEncodeForInpaint from './vae-encode-for-inpaint.ts';
import vaeEncodeTiled from './vae-encode-tiled.ts';
import upscaleModelLoader from './upscale-model-loader.ts';
import imageUpscaleWithModel from './image-upscale-with-model.ts';

/** The built-in Stable Diffusion 1.5 nodes. */
export default definePlugin({
  name: 'latentflow-builtin',
  version: '0.1.0',
  runtime: '^1',
  description: 'Stable Diffusion 1.5: models, prompts, samplers, latents and images.',
  nodes: [
    loadModel, vaeLoader, loraLoader, tokenizer, textEncoder, scheduler, emptyLatent, loadImage, vaeEncode, unetStep, vaeDecode, saveImage, previewImage,
    // conditioning: combined, area and zeroed prompts
    conditioningCombine, conditioningSetArea, conditioningZeroOut,
    // editing: masks, inpainting and outpainting, hires fix, tiled VAE, FreeU
    loadImageMask, invertMask, growMask, featherMask, blurMask, thresholdMask, maskComposite,
    setLatentNoiseMask, vaeEncodeForInpaint, imagePadForOutpaint,
    latentUpscale, latentUpscaleBy, imageScale, imageScaleBy, imageCompositeMasked,
    vaeDecodeTiled, vaeEncodeTiled,
    freeU, freeUV2,
    // ControlNet
    cannyNode, controlNetLoader, controlNetApply, controlNetApplyAdvanced,
    // upscale models
    upscaleModelLoader, imageUpscaleWithModel,
  ],
});
