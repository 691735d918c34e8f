// Builds one network from <dir>/weights.safetensors with our builders, runs it in
// onnxruntime-node on the inputs run_reference.py saved, and prints the error against PyTorch.
// usage: node --import tsx tools/reference/compare.ts <dir> <network> [float32|float16|int8-matmul|int8]
// (int8 variants exist for the UNet only)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { openSafetensors } from '../../models/checkpoint/index.ts';
import { writeOnnxModel } from '../../models/onnx/index.ts';
import type { OnnxModel } from '../../models/onnx/index.ts';
import { buildTextEncoder, buildUnet, buildVaeDecoder, buildVaeEncoder, inferConfig } from '../../models/sd15/index.ts';
import type { SD15Config, WeightSource } from '../../models/sd15/index.ts';

const [dir, network, variant = 'float32'] = process.argv.slice(2);
const quantization = variant === 'int8' || variant === 'int8-matmul' ? variant : 'none';
const builders: Record<string, (config: SD15Config, weights: WeightSource) => OnnxModel> = {
  text_encoder: (c, w) => buildTextEncoder(c.text, w),
  unet: (c, w) => buildUnet(c.unet, w, { quantization }),
  vae_encoder: (c, w) => buildVaeEncoder(c.vae, w),
  vae_decoder: (c, w) => buildVaeDecoder(c.vae, w),
};

interface TensorMeta { dtype: 'float32' | 'int32'; shape: number[] }
const meta = JSON.parse(readFileSync(join(dir, network, 'meta.json'), 'utf8')) as {
  inputs: Record<string, TensorMeta>; outputs: Record<string, TensorMeta>;
};
const load = (name: string, m: TensorMeta) => {
  const bytes = readFileSync(join(dir, network, `${name}.bin`));
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return m.dtype === 'int32' ? new Int32Array(buffer) : new Float32Array(buffer);
};

const source = openSafetensors(join(dir, 'weights.safetensors'));
const config = inferConfig(new Map(source.tensors.map((t) => [t.name, t.shape])));
const modelPath = join(dir, network, `model-${variant}.onnx`);
let start = performance.now();
const written = writeOnnxModel(builders[network](config, (key) => source.readSync(key)), modelPath, {
  externalData: network === 'unet', weightType: variant === 'float16' ? 'float16' : 'float32',
});
const writeSeconds = (performance.now() - start) / 1000;
source.close();

start = performance.now();
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 2 });
const createSeconds = (performance.now() - start) / 1000;
const feeds: Record<string, ort.Tensor> = {};
for (const [name, m] of Object.entries(meta.inputs)) feeds[name] = new ort.Tensor(m.dtype, load(name, m), m.shape);
const runs: number[] = [];
let outputs: ort.InferenceSession.ReturnType = {};
for (let i = 0; i < (network === 'unet' || network.startsWith('vae') ? 1 : 3); i++) {
  start = performance.now();
  outputs = await session.run(feeds);
  runs.push((performance.now() - start) / 1000);
}

console.log(`${network} (${variant}): write ${writeSeconds.toFixed(1)}s (${(written.weightBytes / 2 ** 20).toFixed(0)} MiB), `
  + `session ${createSeconds.toFixed(1)}s, run ${runs.map((r) => r.toFixed(2)).join('/')}s, `
  + `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
for (const [name, m] of Object.entries(meta.outputs)) {
  const expected = load(name, m) as Float32Array;
  const actual = outputs[name].data as Float32Array;
  if (actual.length !== expected.length) throw new Error(`${name}: ${actual.length} values, reference has ${expected.length}`);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
    maxRef = Math.max(maxRef, Math.abs(expected[i]));
  }
  console.log(`  ${name} [${m.shape}]: max |diff| ${maxDiff.toExponential(3)}, max |ref| ${maxRef.toExponential(3)}, relative ${(maxDiff / maxRef).toExponential(3)}`);
}
