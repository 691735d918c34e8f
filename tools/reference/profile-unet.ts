// Profiles one UNet run in onnxruntime-node and prints the time per op type.
// usage: node --import tsx tools/reference/profile-unet.ts <model.onnx> [latent size] [batch]
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const [modelPath, latentArg = '64', batchArg = '2'] = process.argv.slice(2);
const [latent, batch] = [Number(latentArg), Number(batchArg)];
const session = await ort.InferenceSession.create(modelPath, {
  intraOpNumThreads: 2, enableProfiling: true, profileFilePrefix: join(tmpdir(), `unet-profile-${process.pid}`),
});
const fill = (count: number) => Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.7));
const feeds = {
  sample: new ort.Tensor('float32', fill(batch * 4 * latent * latent), [batch, 4, latent, latent]),
  timestep: new ort.Tensor('float32', Float32Array.from({ length: batch }, () => 500), [batch]),
  encoder_hidden_states: new ort.Tensor('float32', fill(batch * 77 * 768), [batch, 77, 768]),
};
const start = performance.now();
await session.run(feeds);
console.log(`run ${((performance.now() - start) / 1000).toFixed(2)} s`);
session.endProfiling();
const profile = readdirSync(tmpdir()).filter((f) => f.startsWith(`unet-profile-${process.pid}`)).map((f) => join(tmpdir(), f))[0];
const events = JSON.parse(readFileSync(profile, 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
rmSync(profile);
const byOp = new Map<string, number>();
for (const e of events) if (e.cat === 'Node' && e.args?.op_name) byOp.set(e.args.op_name, (byOp.get(e.args.op_name) ?? 0) + e.dur);
const total = [...byOp.values()].reduce((a, b) => a + b, 0);
for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1])) {
  console.log(`${op.padEnd(28)} ${(us / 1e6).toFixed(2).padStart(7)} s ${((100 * us) / total).toFixed(1).padStart(5)}%`);
}
