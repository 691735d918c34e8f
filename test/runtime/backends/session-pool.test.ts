import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionPool, listBackends } from '../../../runtime/backends/index.ts';
import type { Logger } from '../../../runtime/logger.ts';
import { addOneModel, slowMatMulModel } from './tiny-onnx.ts';
import type { AddOneInput } from './add-one-program.ts';

const ADD_ONE_PROGRAM = new URL('./add-one-program.ts', import.meta.url);
const LOAD_TIME_PROGRAM = new URL('./load-time-program.ts', import.meta.url);

let dir: string;
let addOne: string;
let slow: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'latentflow-backends-'));
  addOne = path.join(dir, 'add-one.onnx');
  slow = path.join(dir, 'slow.onnx');
  writeFileSync(addOne, addOneModel());
  writeFileSync(slow, slowMatMulModel(1024, 30));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, error() {}, warn: (m) => warnings.push(m) };
}

describe('session pool', () => {
  it('runs a model in a worker and returns plain tensors', async () => {
    const pool = createSessionPool();
    try {
      const session = await pool.open(addOne);
      expect(session.inputs).toEqual([{ name: 'x', type: 'float32', dims: ['n'] }]);
      expect(session.outputs.map((o) => o.name)).toEqual(['y']);
      const { y } = await session.run({ x: { type: 'float32', data: Float32Array.of(1, 2, 3), dims: [3] } });
      expect(y.dims).toEqual([3]);
      expect([...(y.data as Float32Array)]).toEqual([2, 3, 4]);
    } finally {
      await pool.close();
    }
  });

  it('reports the time ORT spent on each inference', async () => {
    const timings: { modelPath: string; durationMs: number }[] = [];
    const pool = createSessionPool({ onInference: (t) => timings.push(t) });
    try {
      const session = await pool.open(slow);
      const started = performance.now();
      await session.run({ x: { type: 'float32', data: new Float32Array(1024 * 1024).fill(1), dims: [1024, 1024] } });
      const wall = performance.now() - started;
      expect(timings).toHaveLength(1);
      expect(timings[0].modelPath).toBe(slow);
      expect(timings[0].durationMs).toBeGreaterThan(0);
      expect(timings[0].durationMs).toBeLessThanOrEqual(wall);
    } finally {
      await pool.close();
    }
  });

  it('closes a model\'s sessions when every open of it was released, and keeps them while one is not', async () => {
    const pool = createSessionPool();
    try {
      const first = await pool.open(addOne);
      const second = await pool.open(addOne);
      expect(second).toBe(first);
      await pool.release(addOne);
      const feed = { x: { type: 'float32' as const, data: Float32Array.of(1), dims: [1] } };
      expect([...((await first.run(feed)).y.data as Float32Array)]).toEqual([2]);
      await pool.release(addOne);
      await expect(first.run(feed)).rejects.toMatchObject({ code: 'session_closed' });
      const reopened = await pool.open(addOne);
      expect(reopened).not.toBe(first);
      expect([...((await reopened.run(feed)).y.data as Float32Array)]).toEqual([2]);
    } finally {
      await pool.close();
    }
  });

  it('opens each model once per backend and options', async () => {
    const pool = createSessionPool();
    try {
      const [a, b] = await Promise.all([pool.open(addOne), pool.open(addOne, { backend: 'cpu' })]);
      expect(a).toBe(b);
      const c = await pool.open(addOne, { intraOpThreads: 1 });
      expect(c).not.toBe(a);
      const [d, e] = await Promise.all([pool.open(addOne, { memoryArena: false }), pool.open(addOne, { memoryArena: true, graphOptimizationLevel: 'all' })]);
      expect(d).not.toBe(a);
      expect(e).toBe(a); // the defaults spelled out
      expect(await pool.open(addOne, { spinning: true })).not.toBe(a);
    } finally {
      await pool.close();
    }
  });

  it('opens sessions with the settings asked for, as the worker applied them', async () => {
    const pool = createSessionPool();
    try {
      const defaults = await pool.open(addOne);
      expect(defaults.settings).toEqual({ graphOptimizationLevel: 'all', memoryArena: true, memoryPattern: true, spinning: false });
      const tuned = await pool.open(addOne, { memoryArena: false, memoryPattern: false, intraOpThreads: 1, graphOptimizationLevel: 'basic', spinning: true });
      expect(tuned.settings).toEqual({ intraOpThreads: 1, graphOptimizationLevel: 'basic', memoryArena: false, memoryPattern: false, spinning: true });
      const { y } = await tuned.run({ x: { type: 'float32', data: Float32Array.of(1, 2), dims: [2] } });
      expect([...(y.data as Float32Array)]).toEqual([2, 3]);
    } finally {
      await pool.close();
    }
  });

  it('closes the other sessions of a group when one is opened, and reopens a replaced session that is run again', async () => {
    const pool = createSessionPool();
    const other = path.join(dir, 'add-one-variant.onnx');
    writeFileSync(other, addOneModel());
    const x = { type: 'float32' as const, data: Float32Array.of(1), dims: [1] };
    try {
      const first = await pool.open(addOne, { group: 'add-one' });
      const ungrouped = await pool.open(slow);
      const second = await pool.open(other, { group: 'add-one' });
      expect(await pool.open(other, { group: 'add-one' })).toBe(second);
      expect(await pool.open(slow)).toBe(ungrouped);
      expect([...((await first.run({ x })).y.data as Float32Array)]).toEqual([2]);
      const reopened = await pool.open(addOne, { group: 'add-one' });
      expect(reopened).not.toBe(first);
      expect(await pool.open(other, { group: 'add-one' })).not.toBe(second);
    } finally {
      await pool.close();
    }
  });

  it('vacates a group: its sessions end now, others stay, and a vacated one reopens when opened or run again', async () => {
    const pool = createSessionPool();
    const x = { type: 'float32' as const, data: Float32Array.of(1), dims: [1] };
    try {
      const grouped = await pool.open(addOne, { group: 'add-one' });
      const ungrouped = await pool.open(slow);
      await pool.vacate('add-one');
      expect((grouped as unknown as { ended: boolean }).ended).toBe(true);
      expect(await pool.open(slow)).toBe(ungrouped);
      expect([...((await grouped.run({ x })).y.data as Float32Array)]).toEqual([2]);
      expect(await pool.open(addOne, { group: 'add-one' })).not.toBe(grouped);
      await pool.vacate('no such group');
    } finally {
      await pool.close();
    }
  });

  it('lets a replaced session finish the inference it is running', async () => {
    const pool = createSessionPool();
    try {
      const busy = await pool.open(slow, { group: 'g' });
      const running = busy.run({ x: { type: 'float32', data: new Float32Array(1024 * 1024).fill(1), dims: [1024, 1024] } });
      await pool.open(addOne, { group: 'g' });
      expect((await running).y.dims).toEqual([1024, 1024]);
    } finally {
      await pool.close();
    }
  });

  it('names the file when a model cannot be loaded, and does not cache the failure', async () => {
    const broken = path.join(dir, 'broken.onnx');
    writeFileSync(broken, 'not a model');
    const pool = createSessionPool();
    try {
      await expect(pool.open(broken)).rejects.toMatchObject({ code: 'model_load_failed', message: expect.stringContaining(broken) });
      writeFileSync(broken, addOneModel());
      await expect(pool.open(broken)).resolves.toBeDefined();
    } finally {
      await pool.close();
    }
  });

  it('reports inference errors with the model path', async () => {
    const pool = createSessionPool();
    try {
      const session = await pool.open(addOne);
      await expect(session.run({ wrong: { type: 'float32', data: Float32Array.of(1), dims: [1] } })).rejects.toMatchObject({
        code: 'inference_failed',
        message: expect.stringContaining(addOne),
      });
    } finally {
      await pool.close();
    }
  });

  it('refuses a missing backend with its reason, or falls back to cpu with a logged warning', async () => {
    const missing = listBackends().find((b) => !b.available);
    expect(missing, 'some backend is unavailable on this machine').toBeDefined();
    const logger = recordingLogger();
    const pool = createSessionPool({ logger });
    try {
      await expect(pool.open(addOne, { backend: missing!.name })).rejects.toMatchObject({ code: 'backend_unavailable', message: expect.stringContaining(missing!.reason!) });
      await expect(pool.open(addOne, { backend: 'no-such-backend' })).rejects.toMatchObject({ code: 'backend_unavailable' });
      expect(logger.warnings).toEqual([]);
      const session = await pool.open(addOne, { backend: missing!.name, fallbackToCpu: true });
      expect(session.backend).toBe('cpu');
      expect(logger.warnings.join('\n')).toContain(`'${missing!.name}' is not available`);
    } finally {
      await pool.close();
    }
  });

  it('rejects a cancelled run at once', async () => {
    const pool = createSessionPool();
    try {
      const session = await pool.open(slow);
      const controller = new AbortController();
      const started = performance.now();
      const run = session.run({ x: { type: 'float32', data: new Float32Array(1024 * 1024).fill(1), dims: [1024, 1024] } }, { signal: controller.signal });
      setTimeout(() => controller.abort(), 10);
      await expect(run).rejects.toMatchObject({ code: 'cancelled' });
      expect(performance.now() - started).toBeLessThan(2000);
    } finally {
      await pool.close();
    }
  });

  it('runs a program next to the session: its runs timed, its messages in order, then its result', async () => {
    const timings: number[] = [];
    const pool = createSessionPool({ onInference: (t) => timings.push(t.durationMs) });
    try {
      const session = await pool.open(addOne);
      const messages: number[][] = [];
      const result = await session.runProgram<AddOneInput, number[], number[]>(ADD_ONE_PROGRAM, { values: [1, 2], times: 3 }, {
        onMessage: (m) => messages.push(m),
      });
      expect(result).toEqual([4, 5]);
      expect(messages).toEqual([[2, 3], [3, 4], [4, 5]]);
      expect(timings).toHaveLength(3);
      expect(timings.every((ms) => ms > 0)).toBe(true);
      // A fast loop's messages travel in batches, every one of them, in order.
      const many: number[] = [];
      await session.runProgram<AddOneInput, number[], number[]>(ADD_ONE_PROGRAM, { values: [0], times: 200 }, { onMessage: ([v]) => many.push(v) });
      expect(many).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      // The session still answers plain runs afterwards.
      const { y } = await session.run({ x: { type: 'float32', data: Float32Array.of(7), dims: [1] } });
      expect([...(y.data as Float32Array)]).toEqual([8]);
    } finally {
      await pool.close();
    }
  });

  it('loads the programs it is opened with while it opens; others on their first run', async () => {
    const pool = createSessionPool();
    try {
      const preloaded = await pool.open(addOne, { programs: [LOAD_TIME_PROGRAM, new URL('./no-such-program.ts', import.meta.url)] });
      const plain = await pool.open(addOne, { intraOpThreads: 1 });
      const opened = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await preloaded.runProgram<undefined, number>(LOAD_TIME_PROGRAM, undefined)).toBeLessThanOrEqual(opened);
      expect(await plain.runProgram<undefined, number>(LOAD_TIME_PROGRAM, undefined)).toBeGreaterThan(opened);
      // A named program that cannot load does not keep the session from opening; its run fails as usual.
      await expect(preloaded.runProgram(new URL('./no-such-program.ts', import.meta.url), {})).rejects.toMatchObject({ code: 'inference_failed' });
    } finally {
      await pool.close();
    }
  });

  it('keeps the stable code and input of what a program throws', async () => {
    const pool = createSessionPool();
    try {
      const session = await pool.open(addOne);
      await expect(session.runProgram(ADD_ONE_PROGRAM, { values: [-1], times: 1 })).rejects.toMatchObject({
        code: 'negative_input',
        input: 'values',
        message: 'negative input -1',
      });
      await expect(session.runProgram(new URL('./no-such-program.ts', import.meta.url), {})).rejects.toMatchObject({
        code: 'inference_failed',
        message: expect.stringContaining(addOne),
      });
    } finally {
      await pool.close();
    }
  });

  it('rejects an aborted program at once, and stops it at its next check', async () => {
    const pool = createSessionPool();
    const session = await pool.open(addOne);
    const controller = new AbortController();
    let messages = 0;
    const endless = session.runProgram<AddOneInput, number[], number[]>(ADD_ONE_PROGRAM, { values: [0], times: 0 }, {
      signal: controller.signal,
      onMessage: () => {
        if (++messages === 3) controller.abort();
      },
    });
    await expect(endless).rejects.toMatchObject({ code: 'cancelled' });
    expect(messages).toBe(3);
    await pool.close(); // would never end if the program kept running
  });

  it('lets a program finish on a session that another of its group replaces meanwhile', async () => {
    const pool = createSessionPool();
    const other = path.join(dir, 'add-one-replacing.onnx');
    writeFileSync(other, addOneModel());
    try {
      const session = await pool.open(addOne, { group: 'g' });
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const program = session.runProgram<AddOneInput, number[], number[]>(ADD_ONE_PROGRAM, { values: [0], times: 200 }, { onMessage: () => started() });
      await running;
      await pool.open(other, { group: 'g' });
      expect(await program).toEqual([200]);
    } finally {
      await pool.close();
    }
  });

  it('aborts a running program when the pool closes', async () => {
    const pool = createSessionPool();
    const session = await pool.open(addOne);
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const endless = session.runProgram(ADD_ONE_PROGRAM, { values: [0], times: 0 }, { onMessage: () => started() });
    const outcome = expect(endless).rejects.toMatchObject({ code: 'session_closed' });
    await running;
    await pool.close();
    await outcome;
  });

  it('keeps the main event loop free while a model computes', async () => {
    const pool = createSessionPool();
    try {
      const session = await pool.open(slow);
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const started = performance.now();
      await session.run({ x: { type: 'float32', data: new Float32Array(1024 * 1024).fill(1), dims: [1024, 1024] } });
      const elapsed = performance.now() - started;
      delay.disable();
      expect(elapsed).toBeGreaterThan(50); // the model really took time
      expect(delay.max / 1e6).toBeLessThan(Math.max(50, elapsed / 4));
    } finally {
      await pool.close();
    }
  });
});
