// Times one op choice at SD 1.5 sizes in onnxruntime-node (CPU, 2 threads) and prints its peak RSS.
// One case per process so that RSS belongs to that case alone:
//   node --import tsx tools/reference/bench-ops.ts <case>
// cases: attention-fused, attention-naive, groupnorm-21, groupnorm-instancenorm,
//        conv-float32, conv-int8, matmul-float32, matmul-int8
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { GraphBuilder, float, ops, writeOnnxModel } from '../../models/onnx/index.ts';

const { attention, groupNorm } = ops;

const C = 320;
const TOKENS = 4096;
const name = process.argv[2];

/** [2, 4096, 320] tokens (attention, matmul) or [2, 320, 64, 64] feature maps (norms, convs). */
const tokenInput = name.startsWith('attention') || name.startsWith('matmul');
const dims = tokenInput ? [2, TOKENS, C] : [2, C, 64, 64];

const cases: Record<string, (g: GraphBuilder, x: string) => string> = {
  'attention-fused': (g, x) => attention(g, x, x, x, { heads: 8 }),
  'attention-naive': (g, x) => {
    const d = C / 8;
    const heads = (perm: number[]) => g.op('Transpose', [g.op('Reshape', [x, g.constant('int64', [0, 0, 8, d])])], { perm });
    const q = heads([0, 2, 1, 3]);
    const scores = g.op('Mul', [g.op('MatMul', [q, heads([0, 2, 3, 1])]), g.constant('float32', [1 / Math.sqrt(d)], [])]);
    const mixed = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), q]);
    return g.op('Reshape', [g.op('Transpose', [mixed], { perm: [0, 2, 1, 3] }), g.constant('int64', [0, 0, -1])]);
  },
  'groupnorm-21': (g, x) => groupNorm(g, x, g.constant('float32', ramp(C, 1)), g.constant('float32', ramp(C, 0)), 32, 1e-5),
  'groupnorm-instancenorm': (g, x) => {
    const grouped = g.op('Reshape', [x, g.constant('int64', [0, 32, -1])]);
    const ones = g.constant('float32', Array(32).fill(1));
    const zeros = g.constant('float32', Array(32).fill(0));
    const normalised = g.op('Reshape', [g.op('InstanceNormalization', [grouped, ones, zeros], { epsilon: float(1e-5) }), g.op('Shape', [x])]);
    const scaled = g.op('Mul', [normalised, g.constant('float32', ramp(C, 1), [C, 1, 1])]);
    return g.op('Add', [scaled, g.constant('float32', ramp(C, 0), [C, 1, 1])]);
  },
  'conv-float32': (g, x) =>
    g.op('Conv', [x, g.initializer('w', 'float32', [C, C, 3, 3], () => ramp(C * C * 9, 0, 0.01))], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
  'conv-int8': (g, x) => {
    const [xq, scale, zero] = g.node('DynamicQuantizeLinear', [x], {}, { outputs: 3 });
    const w = g.initializer('w', 'uint8', [C, C, 3, 3], () => Uint8Array.from(ramp(C * C * 9, 0), (v) => 128 + (v * 100 % 100)));
    const accumulated = g.op('ConvInteger', [xq, w, zero, g.initializer('wz', 'uint8', [], () => Uint8Array.of(128))], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    return g.op('Mul', [g.op('Cast', [accumulated], { to: 1 }), scale]);
  },
  'matmul-float32': (g, x) => g.op('MatMul', [x, g.initializer('w', 'float32', [C, 8 * C], () => ramp(8 * C * C, 0, 0.01))]),
  'matmul-int8': (g, x) => g.op('DynamicQuantizeMatMul', [
    x, g.initializer('w', 'int8', [C, 8 * C], () => Int8Array.from(ramp(8 * C * C, 0), (v) => (v * 100) % 100)),
    g.constant('float32', Array(8 * C).fill(0.01)),
  ], {}, { domain: 'com.microsoft' }),
};

function ramp(count: number, offset: number, scale = 1 / 1024): Float32Array {
  return Float32Array.from({ length: count }, (_, i) => offset + Math.sin(i) * scale);
}

if (!cases[name]) throw new Error(`unknown case ${name}; one of ${Object.keys(cases).join(', ')}`);
const g = new GraphBuilder();
const x = g.input('x', 'float32', dims);
g.output(cases[name](g, x), 'y', 'float32');
const dir = mkdtempSync(join(tmpdir(), 'bench-ops-'));
try {
  writeOnnxModel(g.build(name), join(dir, 'model.onnx'));
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), { intraOpNumThreads: 2 });
  const input = new ort.Tensor('float32', ramp(dims.reduce((a, b) => a * b, 1), 0, 1), dims);
  await session.run({ x: input });
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await session.run({ x: input });
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`${name} [${dims}]: median ${times[1].toFixed(0)} ms, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
