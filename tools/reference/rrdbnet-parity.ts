// Compares models/upscale's RRDBNet graph with rrdbnet_torch.py on seeded random weights: writes the
// weights as a Real-ESRGAN style .pth (`params_ema`), converts it as UpscaleModelLoader does, runs
// both on a seeded input and prints max |ONNX - torch| / max |torch|. With a golden path, also
// writes the input and torch's output there (test/models/upscale/rrdbnet-golden.json).
// usage: node --import tsx tools/reference/rrdbnet-parity.ts <x4plus|x2plus|tiny-x2|tiny-x4> <dir> <side> [golden.json]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { writeCkpt } from '../../models/checkpoint/index.ts';
import { convertUpscaleModel, REAL_ESRGAN_X2PLUS, REAL_ESRGAN_X4PLUS, seededRrdbnetTensors, type RrdbnetConfig } from '../../models/upscale/index.ts';
import { seededImage, TINY_RRDBNET_X2, TINY_RRDBNET_X4 } from '../../test/fixtures/tiny-upscale-model.ts';

const CONFIGS: Record<string, RrdbnetConfig> = { x4plus: REAL_ESRGAN_X4PLUS, x2plus: REAL_ESRGAN_X2PLUS, 'tiny-x2': TINY_RRDBNET_X2, 'tiny-x4': TINY_RRDBNET_X4 };
const [name, dir, sideText, golden] = process.argv.slice(2);
const config = CONFIGS[name];
const side = Number(sideText);
mkdirSync(dir, { recursive: true });
const weights = join(dir, `${name}.pth`);
writeCkpt(weights, seededRrdbnetTensors(config, 7), { wrapperKey: 'params_ema' });
const converted = await convertUpscaleModel(weights, join(dir, `${name}-onnx`));
const input = seededImage(side, side, 11);
writeFileSync(join(dir, 'input.f32'), input);
execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'rrdbnet_torch.py'), weights, join(dir, 'input.f32'), sideText, sideText, join(dir, 'torch.f32')], { stdio: 'inherit' });
const bytes = readFileSync(join(dir, 'torch.f32'));
const expected = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

const session = await ort.InferenceSession.create(converted.model, { intraOpNumThreads: 2 });
const start = performance.now();
const result = await session.run({ image: new ort.Tensor('float32', input, [1, 3, side, side]) });
const seconds = (performance.now() - start) / 1000;
const actual = result.upscaled.data as Float32Array;
let maxDiff = 0;
let maxRef = 0;
expected.forEach((v, i) => {
  maxDiff = Math.max(maxDiff, Math.abs(v - actual[i]));
  maxRef = Math.max(maxRef, Math.abs(v));
});
console.log(JSON.stringify({ name, config, side, outputDims: result.upscaled.dims, maxDiff, maxRef, relativeError: maxDiff / maxRef, onnxSeconds: seconds }));
if (golden) {
  writeFileSync(golden, `${JSON.stringify({ generatedBy: 'tools/reference/rrdbnet-parity.ts (torch: rrdbnet_torch.py)', name, config, seed: 7, inputSeed: 11, side, expected: Array.from(expected, (v) => Number(v.toPrecision(7))) })}\n`);
}
