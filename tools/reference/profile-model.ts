// Profiles a UNet or VAE decoder run in onnxruntime-node (CPU, 2 threads) after an untimed warm-up and
// prints the time per op type and per op type and output shape, from ORT's own profiler.
// usage: node --import tsx tools/reference/profile-model.ts <model.onnx> <unet|vae> [arena on|off] [top N]
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

const [modelPath, kind = 'unet', arena = 'on', topArg = '40'] = process.argv.slice(2);
const prefix = `model-profile-${process.pid}`;
const session = await ort.InferenceSession.create(modelPath, {
  intraOpNumThreads: 2, enableProfiling: true, profileFilePrefix: join(tmpdir(), prefix), enableCpuMemArena: arena === 'on',
  extra: { session: { intra_op: { allow_spinning: '0' } } },
});
const fill = (count: number) => Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.7));
const feeds: Record<string, ort.Tensor> = kind === 'unet'
  ? {
    sample: new ort.Tensor('float32', fill(2 * 4 * 64 * 64), [2, 4, 64, 64]),
    timestep: new ort.Tensor('float32', Float32Array.of(500, 500), [2]),
    encoder_hidden_states: new ort.Tensor('float32', fill(2 * 77 * 768), [2, 77, 768]),
  }
  : { latent_sample: new ort.Tensor('float32', fill(4 * 64 * 64), [1, 4, 64, 64]) };
const times: number[] = [];
for (let i = 0; i < 2; i++) {
  const start = performance.now();
  await session.run(feeds);
  times.push((performance.now() - start) / 1000);
}
const cpu = process.cpuUsage();
console.log(`runs ${times.map((t) => t.toFixed(2)).join(', ')} s (process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s in all)`);
session.endProfiling();
const profile = readdirSync(tmpdir()).filter((f) => f.startsWith(prefix)).map((f) => join(tmpdir(), f))[0];
interface Event { cat: string; name: string; ts: number; dur: number; args?: { op_name?: string; output_type_shape?: Record<string, number[]>[] } }
const events = JSON.parse(readFileSync(profile, 'utf8')) as Event[];
rmSync(profile);
// Only the second run: its events start after the last model_run event but one.
const runs = events.filter((e) => e.name === 'model_run');
const lastStart = runs[runs.length - 1].ts;
const nodes = events.filter((e) => e.cat === 'Node' && e.args?.op_name && e.name.endsWith('_kernel_time') && e.ts >= lastStart);
const total = nodes.reduce((sum, e) => sum + e.dur, 0);
const table = (title: string, keyOf: (e: Event) => string, top: number) => {
  const sums = new Map<string, { us: number; count: number }>();
  for (const e of nodes) {
    const entry = sums.get(keyOf(e)) ?? { us: 0, count: 0 };
    entry.us += e.dur;
    entry.count++;
    sums.set(keyOf(e), entry);
  }
  console.log(`\n${title}`);
  for (const [key, { us, count }] of [...sums].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
    console.log(`${key.padEnd(70)} ${String(count).padStart(4)}x ${(us / 1e6).toFixed(3).padStart(7)} s ${((100 * us) / total).toFixed(1).padStart(5)}%`);
  }
};
const shapeOf = (e: Event) => (e.args?.output_type_shape ?? []).map((o) => JSON.stringify(Object.values(o)[0])).join(' ');
console.log(`\nnode time ${(total / 1e6).toFixed(2)} s of the run's ${(runs[runs.length - 1].dur / 1e6).toFixed(2)} s`);
table('by op type', (e) => e.args!.op_name!, Number(topArg));
table('by op type and output shape', (e) => `${e.args!.op_name} ${shapeOf(e)}`, Number(topArg));
