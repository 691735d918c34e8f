/**
 * SD 1.5 networks as ONNX graphs, parametrised by model size.
 *
 *   const config = inferConfig(checkpointShapes);          // or FULL_SD15_CONFIG / TINY_SD15_CONFIG
 *   const weights = (key: string) => readTensorAsFloat32(key); // CompVis checkpoint names, called lazily
 *   writeOnnxModel(buildUnet(config.unet, weights), 'unet/model.onnx', { externalData: true });
 *
 * Inputs and outputs (float32 unless noted; B, h, w dynamic):
 * - buildTextEncoder: input_ids int32 [B,77] -> last_hidden_state, penultimate_hidden_state [B,77,W]
 * - buildUnet: sample [B,4,h,w], timestep [B], encoder_hidden_states [B,S,768] -> out_sample [B,4,h,w];
 *   `{ quantization: 'int8-matmul' | 'int8' }` builds the int8 variants; `{ controlResiduals: true }` adds the
 *   ControlNet inputs control_0.. and control_mid (controlResidualInputs), added to the skips and the middle output
 * - buildControlNet: sample, timestep, encoder_hidden_states, hint [B,3,8h,8w] in [0,1] -> control_0.., control_mid
 * - buildVaeEncoder: sample [B,3,H,W] in [-1,1] -> latent_sample (posterior mean, unscaled), latent_logvar
 * - buildVaeDecoder: latent_sample [B,4,h,w] (already divided by 0.18215) -> sample [B,3,8h,8w]
 */
export { FULL_SD15_CONFIG, TINY_SD15_CONFIG, LATENT_SCALE } from './config.ts';
export type { SD15Config, TextEncoderConfig, UnetConfig, VaeConfig } from './config.ts';
export { inferConfig, inferVae } from './infer-config.ts';
export { expectedTensors, textEncoderTensors, unetTensors, vaeTensors, TEXT_PREFIX, UNET_PREFIX, VAE_PREFIX } from './tensors.ts';
export { buildTextEncoder } from './text-encoder.ts';
export { buildUnet, controlResidualInputs } from './unet.ts';
export { buildControlNet, controlNetTensors, controlNetWeights, inferControlNetConfig, CONTROL_PREFIX } from './controlnet.ts';
export type { UnetOptions } from './unet.ts';
export { buildVaeEncoder, buildVaeDecoder } from './vae.ts';
export { decoderLevels } from './vae-layout.ts';
export type { WeightSource } from './weights.ts';
export { EMPHASIS_MODES, applyA1111Emphasis, applyComfyEmphasis } from './emphasis.ts';
export { StoredWeights } from './stored-weights.ts';
export { calibratedScales } from './static-int8.ts';
export { FREEU_INPUTS, FREEU_OFF } from './freeu.ts';
export { CACHED_DEEP_FEATURE, DEEP_CACHE_BRANCH, DEEP_CACHE_REFRESH, DEEP_FEATURE, deepFeatureInfo } from './deep-cache.ts';
export type { DeepCacheOptions } from './deep-cache.ts';
export type { TokenMergeOptions } from './token-merge.ts';
export { appliedMergeRatio } from './token-merge.ts';
