/**
 * Runs a converted model folder on the inputs of reference_outputs.py and prints the largest
 * difference from PyTorch for each network:
 *   node --import tsx training/check-conversion.ts <model dir> <reference.json>
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const [dir, referenceFile] = process.argv.slice(2);
const reference = JSON.parse(readFileSync(referenceFile, 'utf8')) as Record<string, number[]>;
const float = (values: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(values), dims);
const open = (network: string) => ort.InferenceSession.create(join(dir, network, 'model.onnx'));

function report(name: string, actual: ort.Tensor, expected: number[]): void {
  const data = actual.data as Float32Array;
  let difference = 0;
  let scale = 0;
  expected.forEach((value, i) => {
    difference = Math.max(difference, Math.abs(data[i] - value));
    scale = Math.max(scale, Math.abs(value));
  });
  process.stdout.write(`${name}: max |onnx - torch| ${difference.toExponential(2)} (max |torch| ${scale.toFixed(3)})\n`);
}

const width = reference.context.length / 77;
const text = await (await open('text_encoder')).run({ input_ids: new ort.Tensor('int32', Int32Array.from(reference.ids), [1, 77]) });
report('text_encoder', text.last_hidden_state, reference.context);
const unet = await (await open('unet')).run({
  sample: float(reference.latent, [1, 4, 8, 8]),
  timestep: float([500], [1]),
  encoder_hidden_states: float(reference.context, [1, 77, width]),
});
report('unet', unet.out_sample, reference.eps);
const decoded = await (await open('vae_decoder')).run({ latent_sample: float(reference.latent.map((v) => v / 0.18215), [1, 4, 8, 8]) });
report('vae_decoder', decoded.sample, reference.decoded);
const encoded = await (await open('vae_encoder')).run({ sample: float(reference.image, [1, 3, 64, 64]) });
report('vae_encoder', encoded.latent_sample, reference.mean);
