// Builds the ControlNet and the UNet with control inputs from <dir>/weights.safetensors, runs them in
// onnxruntime-node on controlnet_torch.py's inputs and prints the error of every output against PyTorch.
// usage: node --import tsx tools/reference/compare-controlnet.ts <dir> <tiny|full>
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { openSafetensors } from '../../models/checkpoint/index.ts';
import { writeOnnxModel } from '../../models/onnx/index.ts';
import { FULL_SD15_CONFIG, TINY_SD15_CONFIG, buildControlNet, buildUnet, controlNetWeights } from '../../models/sd15/index.ts';

const [dir, size] = process.argv.slice(2);
const config = (size === 'full' ? FULL_SD15_CONFIG : TINY_SD15_CONFIG).unet;
interface TensorMeta { shape: number[] }
const meta = JSON.parse(readFileSync(join(dir, 'controlnet', 'meta.json'), 'utf8')) as {
  strength: number; inputs: Record<string, TensorMeta>; outputs: Record<string, TensorMeta>;
};
const load = (name: string) => {
  const bytes = readFileSync(join(dir, 'controlnet', `${name}.bin`));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};
const tensor = (name: string, data = load(name)) => new ort.Tensor('float32', data, (meta.inputs[name] ?? meta.outputs[name]).shape);

const source = openSafetensors(join(dir, 'weights.safetensors'));
const read = controlNetWeights(source.tensors.map((t) => t.name), (key) => source.readSync(key));
writeOnnxModel(buildControlNet(config, read), join(dir, 'controlnet', 'controlnet.onnx'), { externalData: true });
writeOnnxModel(buildUnet(config, read, { controlResiduals: true }), join(dir, 'controlnet', 'unet-controlled.onnx'), { externalData: true });
source.close();

function report(name: string, actual: Float32Array) {
  const expected = load(name);
  let maxDiff = 0, maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  console.log(`  ${name} [${meta.outputs[name].shape}]: max |diff| ${maxDiff.toExponential(3)}, max |ref| ${maxRef.toExponential(3)}, relative ${(maxDiff / maxRef).toExponential(3)}`);
}

const base = { sample: tensor('sample'), timestep: tensor('timestep'), encoder_hidden_states: tensor('encoder_hidden_states') };
const controlnet = await ort.InferenceSession.create(join(dir, 'controlnet', 'controlnet.onnx'), { intraOpNumThreads: 2 });
const residuals = await controlnet.run({ ...base, hint: tensor('hint') });
const names = Object.keys(meta.outputs).filter((name) => name.startsWith('control_'));
console.log(`controlnet (${size}):`);
for (const name of names) report(name, residuals[name].data as Float32Array);
await controlnet.release();

// The UNet gets PyTorch's residuals times the strength, so its error is its own.
const unet = await ort.InferenceSession.create(join(dir, 'controlnet', 'unet-controlled.onnx'), { intraOpNumThreads: 2 });
const scaled = Object.fromEntries(names.map((name) => [name, tensor(name, load(name).map((v) => v * meta.strength))]));
const { out_sample } = await unet.run({ ...base, ...scaled });
console.log(`unet with control inputs (${size}, strength ${meta.strength}):`);
report('out_sample', out_sample.data as Float32Array);
