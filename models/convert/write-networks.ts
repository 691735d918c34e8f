import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { initializerByteLength, withFloat16Weights, writeOnnxModel, type OnnxModel } from '../onnx/index.ts';
import { calibratedScales, type ActivationRanges } from '../sd15/static-int8.ts';
import { buildTextEncoder, buildUnet, buildVaeDecoder, buildVaeEncoder, type SD15Config, type WeightSource } from '../sd15/index.ts';
import type { WriteProgress } from './progress.ts';

export type NetworkName = 'text_encoder' | 'unet' | 'vae_encoder' | 'vae_decoder';

/**
 * How the converted UNet holds its weights: `float` like the other networks (float16 with fp16),
 * `int8-matmul` int8 for its linear layers, `int8` for its convolutions too (see buildUnet), `int8-static`
 * the same layers with activation scales calibrated at conversion (calibrate-unet.ts).
 */
export const UNET_WEIGHTS = ['float', 'int8-matmul', 'int8', 'int8-static'] as const;
export type UnetWeights = (typeof UNET_WEIGHTS)[number];

export interface WriteNetworksOptions {
  fp16?: boolean;
  unetWeights: UnetWeights;
  /** For `int8-static`: the calibrated activation ranges. */
  activationRanges?: ActivationRanges;
  onProgress?: (progress: WriteProgress) => void;
}

type BuildNetwork = (config: SD15Config, weights: WeightSource, options: WriteNetworksOptions) => OnnxModel;

const NETWORKS: { name: NetworkName; build: BuildNetwork; external: boolean | 'auto' }[] = [
  { name: 'text_encoder', build: (c, w) => buildTextEncoder(c.text, w), external: 'auto' },
  {
    name: 'unet',
    build: (c, w, o) => buildUnet(c.unet, w, {
      quantization: o.unetWeights === 'float' ? 'none' : o.unetWeights,
      activationScales: o.activationRanges && calibratedScales(o.activationRanges),
    }),
    external: true,
  },
  { name: 'vae_encoder', build: (c, w) => buildVaeEncoder(c.vae, w), external: 'auto' },
  { name: 'vae_decoder', build: (c, w) => buildVaeDecoder(c.vae, w), external: 'auto' },
];

/** Path of a network's model inside a converted folder. */
export const networkFile = (name: NetworkName) => `${name}/model.onnx`;

/**
 * Builds the four networks and writes each to `<dir>/<network>/model.onnx`; weights are read one
 * tensor at a time while they are written.
 */
export function writeNetworks(
  dir: string,
  config: SD15Config,
  weights: WeightSource,
  options: WriteNetworksOptions,
): void {
  const built = NETWORKS.map((network) => ({ ...network, model: network.build(config, weights, options) }));
  const stored = built.map(({ model }) => (options.fp16 ? withFloat16Weights(model) : model).graph.initializers);
  const tensorsTotal = stored.reduce((n, inits) => n + inits.length, 0);
  const bytesTotal = stored.reduce((n, inits) => n + inits.reduce((m, init) => m + initializerByteLength(init), 0), 0);
  let tensorsBefore = 0;
  let bytesBefore = 0;
  built.forEach(({ name, model, external }, i) => {
    mkdirSync(join(dir, name), { recursive: true });
    let tensorsDone = tensorsBefore;
    const report = (bytesDone: number) =>
      options.onProgress?.({ phase: 'writing', network: name, tensorsDone, tensorsTotal, bytesDone, bytesTotal });
    const written = writeOnnxModel(model, join(dir, networkFile(name)), {
      externalData: external,
      weightType: options.fp16 ? 'float16' : 'float32',
      onProgress: ({ bytesWritten }) => {
        tensorsDone++;
        report(bytesBefore + bytesWritten);
      },
    });
    tensorsBefore += stored[i].length;
    bytesBefore += written.weightBytes;
    tensorsDone = tensorsBefore;
    report(bytesBefore);
  });
}
