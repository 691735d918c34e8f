/**
 * Writes the weights of a converted model folder back as one .safetensors checkpoint with the
 * original SD 1.5 key names (float32), so that training can start from a model whose source
 * checkpoint is not at hand (data/models/shapes-tiny ships only its ONNX conversion):
 *   node --import tsx training/extract-checkpoint.ts data/models/shapes-tiny /tmp/shapes-tiny.safetensors
 */
import { join } from 'node:path';
import { existingConversion } from '../models/convert.ts';
import { writeSafetensors } from '../models/checkpoint/index.ts';
import { readOnnxInitializers } from '../models/model-folder/onnx-initializers.ts';
import { StoredWeights } from '../models/sd15/stored-weights.ts';
import { textEncoderTensors, unetTensors, vaeTensors } from '../models/sd15/tensors.ts';

const [folder, out] = process.argv.slice(2);
const index = folder ? existingConversion(folder) : undefined;
if (!index || !out) {
  process.stderr.write('usage: extract-checkpoint.ts <converted model folder> <out.safetensors>\n');
  process.exit(2);
}
const networks = ['text_encoder', 'unet', 'vae_encoder', 'vae_decoder'].map(
  (network) => new StoredWeights(readOnnxInitializers(join(folder, network, 'model.onnx')).values()),
);
const shapes = new Map([...textEncoderTensors(index.config.text), ...unetTensors(index.config.unet), ...vaeTensors(index.config.vae)]);
writeSafetensors(out, [...shapes].map(([name, shape]) => ({
  name,
  shape,
  values: () => {
    const source = networks.find((weights) => weights.has(name));
    if (!source) throw new Error(`no network of ${folder} stores ${name}`);
    return source.read(name, shape);
  },
})));
process.stdout.write(`wrote ${shapes.size} tensors to ${out}\n`);
