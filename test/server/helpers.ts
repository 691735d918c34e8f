import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { defineNode, definePlugin, float, int, output, silentLogger, socket, string } from '../../runtime/index.ts';
import type { HardwareInfo } from '../../runtime/backends/index.ts';
import type { SessionPool } from '../../runtime/backends/types.ts';
import { createServer, type LatentflowServer, type ServerOptions } from '../../server/index.ts';

export const TEST_HARDWARE: HardwareInfo = {
  cpu: { model: 'Test CPU', cores: 2 },
  memoryBytes: 8 * 1024 ** 3,
  gpus: [],
  backends: [
    { name: 'cpu', available: true },
    { name: 'cuda', available: false, reason: 'no NVIDIA driver found' },
  ],
};

export const NO_SESSIONS: SessionPool = {
  open: async () => {
    throw new Error('test server: no ONNX sessions');
  },
  release: async () => {},
  vacate: async () => {},
  backends: async () => TEST_HARDWARE.backends,
  close: async () => {},
};

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real (if tiny) RGB PNG of one colour. */
export function solidPng(width: number, height: number, rgb: [number, number, number] = [200, 100, 50]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => rgb).flat())]);
  const pixels = zlib.deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Gates that a test opens to let a `TestGate` node finish. */
export const gates = new Map<string, () => void>();
const gateWaiters = new Map<string, Promise<void>>();
function gate(name: string): Promise<void> {
  if (!gateWaiters.has(name)) gateWaiters.set(name, new Promise((resolve) => gates.set(name, resolve)));
  return gateWaiters.get(name) as Promise<void>;
}
export function openGate(name: string): void {
  void gate(name);
  gates.get(name)?.();
}

/** How many times each test node type executed, to observe the executor's cache over HTTP. */
export const executions = new Map<string, number>();
const count = (type: string) => executions.set(type, (executions.get(type) ?? 0) + 1);

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

export const testPlugin = definePlugin({
  name: 'server-test-nodes',
  version: '1.0.0',
  runtime: '^1',
  nodes: [
    defineNode({
      type: 'TestVersioned',
      displayName: 'Versioned',
      category: 'test',
      description: 'Version 2 renamed input `n` to `value`.',
      version: 2,
      migrate: ({ n, ...rest }) => ({ ...rest, value: n }),
      inputs: { value: float({ default: 0 }) },
      outputs: { number: output<number>('NUMBER') },
      async execute({ value }) {
        return { number: value };
      },
    }),
    defineNode({
      type: 'TestNumber',
      displayName: 'Number',
      category: 'test',
      description: 'A literal number.',
      inputs: { value: float({ default: 1, min: -1000, max: 1000 }) },
      outputs: { number: output<number>('NUMBER') },
      async execute({ value }) {
        count('TestNumber');
        return { number: value };
      },
    }),
    defineNode({
      type: 'TestAdd',
      displayName: 'Add',
      category: 'test',
      description: 'Adds two numbers.',
      inputs: { a: socket<number>('NUMBER'), b: socket<number>('NUMBER') },
      outputs: { sum: output<number>('NUMBER') },
      async execute({ a, b }) {
        count('TestAdd');
        return { sum: a + b };
      },
    }),
    defineNode({
      type: 'TestSteps',
      displayName: 'Steps',
      category: 'test',
      description: 'Counts steps with a delay each, sending progress, an image and a latent preview per step.',
      inputs: { value: socket<number>('NUMBER'), steps: int({ default: 3, min: 1, max: 1000 }), delayMs: int({ default: 5, min: 0, max: 10000 }) },
      outputs: { value: output<number>('NUMBER') },
      async execute({ value, steps, delayMs }, ctx) {
        count('TestSteps');
        const png = solidPng(4, 2);
        for (let step = 0; step < steps; step++) {
          await sleep(delayMs, ctx.signal);
          ctx.progress(step + 1, steps);
          ctx.preview({ kind: 'image', mime: 'image/png', data: png, width: 4, height: 2, step });
          ctx.preview({ kind: 'latent', data: Float32Array.from([step, -step, 0.5, value]), shape: [1, 1, 2, 2], step });
        }
        return { value };
      },
    }),
    defineNode({
      type: 'TestGate',
      displayName: 'Gate',
      category: 'test',
      description: 'Waits until the test opens the named gate (or the run is cancelled).',
      inputs: { value: socket<number>('NUMBER'), gate: string({ default: 'main' }) },
      outputs: { value: output<number>('NUMBER') },
      async execute({ value, gate: name }, ctx) {
        count('TestGate');
        await Promise.race([
          gate(name),
          new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true })),
        ]);
        return { value };
      },
    }),
    defineNode({
      type: 'TestFail',
      displayName: 'Fail',
      category: 'test',
      description: 'Always fails.',
      inputs: { value: socket<number>('NUMBER') },
      outputs: { value: output<number>('NUMBER') },
      async execute() {
        throw new Error('this node always fails');
      },
    }),
    defineNode({
      type: 'TestSave',
      displayName: 'Save',
      category: 'test',
      description: 'Writes a PNG whose width is the number into the output folder.',
      output: true,
      inputs: { value: socket<number>('NUMBER'), filename_prefix: string({ default: 'test' }) },
      outputs: {},
      async execute({ value, filename_prefix }, ctx) {
        count('TestSave');
        const filename = `${filename_prefix}_${String(executions.get('TestSave')).padStart(5, '0')}.png`;
        fs.mkdirSync(path.dirname(path.join(ctx.env.outputDir, filename)), { recursive: true });
        fs.writeFileSync(path.join(ctx.env.outputDir, filename), solidPng(Math.max(1, Math.round(value)), 1));
        return { images: [{ filename, width: value, height: 1 }] };
      },
    }),
  ],
});

/** number -> steps -> save, with ids a, steps, save. */
export function stepsWorkflow(value = 3, steps = 3, delayMs = 5) {
  return {
    version: 1,
    nodes: {
      a: { type: 'TestNumber', inputs: { value } },
      steps: { type: 'TestSteps', inputs: { value: { from: 'a', output: 'number' }, steps, delayMs } },
      save: { type: 'TestSave', inputs: { value: { from: 'steps', output: 'value' } } },
    },
  };
}

export function gateWorkflow(gateName: string) {
  return {
    version: 1,
    nodes: {
      a: { type: 'TestNumber', inputs: { value: 2 } },
      gate: { type: 'TestGate', inputs: { value: { from: 'a', output: 'number' }, gate: gateName } },
      save: { type: 'TestSave', inputs: { value: { from: 'gate', output: 'value' } } },
    },
  };
}

export const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), `latentflow-${prefix}-`));

/** A server with the test nodes only, a temp data folder and no ONNX sessions. */
export function startTestServer(options: Partial<ServerOptions> = {}): Promise<LatentflowServer> {
  return createServer({
    dataDir: options.dataDir ?? tempDir('data'),
    builtinNodes: false,
    plugins: [testPlugin],
    pluginsDir: tempDir('plugins'),
    shippedWorkflowsDir: path.join(import.meta.dirname, 'fixtures', 'workflows'),
    editorDir: path.join(tempDir('no-editor'), 'dist'),
    sessions: NO_SESSIONS,
    hardware: TEST_HARDWARE,
    logger: silentLogger,
    ...options,
  });
}

/** Polls until `check` returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
