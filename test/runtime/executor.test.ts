import { beforeEach, describe, expect, it } from 'vitest';
import { createExecutor, defineNode, definePlugin, LatentflowError, output, socket, type RunEvent } from '../../runtime/index.ts';
import { calls, chainWorkflow, collect, link, testEnv, testRegistry, typesOf } from './fixtures/test-nodes.ts';

const run = (executor: ReturnType<typeof createExecutor>, workflow: unknown, extra: { signal?: AbortSignal } = {}) => {
  const { events, onEvent } = collect();
  return executor.run(workflow, { env: testEnv, onEvent, ...extra }).then((result) => ({ result, events }));
};

beforeEach(() => calls.clear());

describe('executor', () => {
  it('runs only the nodes the outputs need, producers first, and reports output results', async () => {
    const executor = createExecutor({ registry: testRegistry() });
    const { result, events } = await run(executor, chainWorkflow(2, 3));
    expect(result).toMatchObject({ status: 'finished', outputs: { show: { value: 5 } } });
    expect(typesOf(events)).toEqual([
      'run_started',
      'node_started:n',
      'node_finished:n',
      'node_started:add',
      'node_progress:add',
      'node_finished:add',
      'node_started:show',
      'node_finished:show',
      'run_finished',
    ]);
    expect(events[0]).toMatchObject({ type: 'run_started', nodes: ['n', 'add', 'show'] });
    const finished = events.filter((e) => e.type === 'node_finished');
    expect(finished.map((e) => 'result' in e)).toEqual([false, false, true]);
    expect(events.at(-1)).toMatchObject({ type: 'run_finished', outputs: { show: { value: 5 } } });
    for (const event of events) {
      expect(event.runId).toBe(result.runId);
      expect(typeof event.time).toBe('number');
    }
  });

  it('re-runs only the changed node and its dependents; the rest are node_cached', async () => {
    const executor = createExecutor({ registry: testRegistry() });
    await run(executor, chainWorkflow(2, 3));
    const { result, events } = await run(executor, chainWorkflow(2, 10));
    expect(result).toMatchObject({ status: 'finished', outputs: { show: { value: 12 } } });
    expect(typesOf(events).filter((t) => t.startsWith('node_cached') || t.startsWith('node_started'))).toEqual([
      'node_cached:n',
      'node_started:add',
      'node_started:show',
    ]);
    expect(Object.fromEntries(calls)).toEqual({ Number: 1, Add: 2, Show: 2 });

    const again = await run(executor, chainWorkflow(2, 10));
    expect(typesOf(again.events).filter((t) => t.startsWith('node_'))).toEqual(['node_cached:n', 'node_cached:add', 'node_cached:show']);
    expect(again.result).toMatchObject({ outputs: { show: { value: 12 } } });
  });

  it('never serves a result made for another run environment (output folder, backend)', async () => {
    const executor = createExecutor({ registry: testRegistry() });
    await executor.run(chainWorkflow(), { env: testEnv });
    const elsewhere = { ...testEnv, outputDir: `${testEnv.outputDir}-other`, backend: 'cuda' };
    const { events, onEvent } = collect();
    await executor.run(chainWorkflow(), { env: elsewhere, onEvent });
    expect(typesOf(events).filter((t) => t.startsWith('node_cached'))).toEqual([]);
    const back = await run(executor, chainWorkflow());
    expect(typesOf(back.events).filter((t) => t.startsWith('node_started'))).toEqual([]);
  });

  it('shares results between identical nodes and ignores the ui block and node ids in signatures', async () => {
    const executor = createExecutor({ registry: testRegistry() });
    await run(executor, chainWorkflow());
    const renamed = {
      version: 1,
      ui: { positions: {} },
      nodes: {
        first: { type: 'Number', inputs: { value: 2 } },
        plus: { type: 'Add', inputs: { a: link('first', 'value'), b: 3 } },
        out: { type: 'Show', inputs: { value: link('plus', 'sum') } },
      },
    };
    const { events } = await run(executor, renamed);
    expect(typesOf(events).filter((t) => t.startsWith('node_'))).toEqual(['node_cached:first', 'node_cached:plus', 'node_cached:out']);
  });

  it('treats a default and the same value written out as the same input', async () => {
    const executor = createExecutor({ registry: testRegistry() });
    const withDefault = { version: 1, nodes: { n: { type: 'Number' }, show: { type: 'Show', inputs: { value: link('n', 'value') } } } };
    const explicit = { version: 1, nodes: { n: { type: 'Number', inputs: { value: 1 } }, show: { type: 'Show', inputs: { value: link('n', 'value'), label: 'value' } } } };
    expect((await run(executor, withDefault)).result).toMatchObject({ outputs: { show: { value: 1 } } });
    expect(typesOf((await run(executor, explicit)).events)).toContain('node_cached:show');
  });

  it('always re-runs alwaysRun nodes and their dependents', async () => {
    const executor = createExecutor({ registry: testRegistry() });
    const workflow = { version: 1, nodes: { c: { type: 'Clock' }, show: { type: 'Show', inputs: { value: link('c', 'value') } } } };
    const first = await run(executor, workflow);
    const second = await run(executor, workflow);
    expect(first.result).toMatchObject({ outputs: { show: { value: 1 } } });
    expect(second.result).toMatchObject({ outputs: { show: { value: 2 } } });
    expect(typesOf(second.events)).not.toContain('node_cached:show');
  });

  describe('fingerprint', () => {
    /** A node reading an outside "file" whose version is `state.version`; `state.fail` makes the fingerprint throw. */
    function fingerprintedExecutor() {
      const state = { version: 1, fail: false, fingerprints: [] as unknown[][] };
      const reader = defineNode({
        type: 'Reader',
        displayName: 'Reader',
        category: 't',
        description: '',
        inputs: { x: socket<number>('INT') },
        outputs: { value: output<number>('INT') },
        fingerprint: (inputs, env) => {
          state.fingerprints.push([inputs.x, env.inputDir]);
          if (state.fail) throw new Error('cannot stat the file');
          return `version ${state.version}`;
        },
        async execute({ x }) {
          calls.set('Reader', (calls.get('Reader') ?? 0) + 1);
          return { value: x * 100 + state.version };
        },
      });
      const registry = testRegistry();
      registry.register(definePlugin({ name: 'reader', version: '1', nodes: [reader] }));
      return { executor: createExecutor({ registry }), state };
    }
    const workflow = {
      version: 1,
      nodes: {
        n: { type: 'Number', inputs: { value: 2 } },
        read: { type: 'Reader', inputs: { x: link('n', 'value') } },
        show: { type: 'Show', inputs: { value: link('read', 'value') } },
      },
    };
    const ran = (events: RunEvent[]) => typesOf(events).filter((t) => t.startsWith('node_started') || t.startsWith('node_cached'));

    it('serves the node from the cache while its fingerprint is unchanged; fingerprint gets the resolved inputs and env', async () => {
      const { executor, state } = fingerprintedExecutor();
      expect((await run(executor, workflow)).result).toMatchObject({ outputs: { show: { value: 201 } } });
      const again = await run(executor, workflow);
      expect(ran(again.events)).toEqual(['node_cached:n', 'node_cached:read', 'node_cached:show']);
      expect(calls.get('Reader')).toBe(1);
      expect(state.fingerprints).toEqual([[2, testEnv.inputDir], [2, testEnv.inputDir]]);
    });

    it('re-runs the node and its dependents when its fingerprint changes, not its producers', async () => {
      const { executor, state } = fingerprintedExecutor();
      await run(executor, workflow);
      state.version = 2;
      const changed = await run(executor, workflow);
      expect(ran(changed.events)).toEqual(['node_cached:n', 'node_started:read', 'node_started:show']);
      expect(changed.result).toMatchObject({ outputs: { show: { value: 202 } } });
      state.version = 1;
      expect(ran((await run(executor, workflow)).events)).toEqual(['node_cached:n', 'node_cached:read', 'node_cached:show']);
      expect(calls.get('Reader')).toBe(2);
    });

    it('fails the node, naming it, when its fingerprint throws; nothing after it runs', async () => {
      const { executor, state } = fingerprintedExecutor();
      state.fail = true;
      const { result, events } = await run(executor, workflow);
      expect(result).toMatchObject({ status: 'failed', error: { code: 'node_failed', nodeId: 'read', nodeType: 'Reader' } });
      expect(result.status === 'failed' && result.error.message).toContain('cannot stat the file');
      expect(typesOf(events).slice(-2)).toEqual(['node_failed:read', 'run_failed']);
      expect(calls.get('Reader')).toBeUndefined();
      expect(calls.get('Show')).toBeUndefined();
    });
  });

  it('evicts the least recently used result when the cache is full', async () => {
    const executor = createExecutor({ registry: testRegistry(), cacheSize: 3 });
    await run(executor, chainWorkflow(1, 1));
    expect(executor.cachedResults).toBe(3);
    await run(executor, chainWorkflow(1, 2)); // n is reused (most recent); add(1,1) and its show fall out
    expect(executor.cachedResults).toBe(3);
    const { events } = await run(executor, chainWorkflow(1, 1));
    expect(typesOf(events).filter((t) => t.startsWith('node_cached') || t.startsWith('node_started'))).toEqual([
      'node_cached:n',
      'node_started:add',
      'node_started:show',
    ]);
    executor.clearCache();
    expect(executor.cachedResults).toBe(0);
  });

  it('caches nothing with cacheSize 0', async () => {
    const executor = createExecutor({ registry: testRegistry(), cacheSize: 0 });
    await run(executor, chainWorkflow());
    const { events } = await run(executor, chainWorkflow());
    expect(typesOf(events).some((t) => t.startsWith('node_cached'))).toBe(false);
  });

  it('cancels mid-run through the signal: the running node stops and the run ends with run_cancelled', async () => {
    const executor = createExecutor({ registry: testRegistry() });
    const controller = new AbortController();
    const workflow = {
      version: 1,
      nodes: {
        n: { type: 'Number' },
        slow: { type: 'Slow', inputs: { x: link('n', 'value'), steps: 50, delayMs: 10 } },
        show: { type: 'Show', inputs: { value: link('slow', 'value') } },
      },
    };
    const events: RunEvent[] = [];
    const result = await executor.run(workflow, {
      env: testEnv,
      signal: controller.signal,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'node_progress' && event.value === 3) controller.abort();
      },
    });
    expect(result.status).toBe('cancelled');
    expect(events.at(-1)?.type).toBe('run_cancelled');
    expect(events.filter((e) => e.type === 'node_progress').length).toBeLessThan(6);
    expect(calls.get('Show')).toBeUndefined();
    expect(executor.cachedResults).toBe(1);
  });

  it('cancels between nodes when a node ignores the signal, and before the first node when already aborted', async () => {
    const executor = createExecutor({ registry: testRegistry() });
    const controller = new AbortController();
    executor.addHook('onNodeEnd', ({ nodeId }) => {
      if (nodeId === 'add') controller.abort();
    });
    const { result, events } = await run(executor, chainWorkflow(), { signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(typesOf(events)).toEqual(['run_started', 'node_started:n', 'node_finished:n', 'node_started:add', 'node_progress:add', 'node_finished:add', 'run_cancelled']);

    const aborted = await run(createExecutor({ registry: testRegistry() }), chainWorkflow(), { signal: AbortSignal.abort() });
    expect(typesOf(aborted.events)).toEqual(['run_started', 'run_cancelled']);
  });

  it('ends the run at a failing node with its id, type and message, wrapping the original error as cause', async () => {
    const executor = createExecutor({ registry: testRegistry() });
    let hooked: LatentflowError | undefined;
    executor.addHook('onError', ({ error }) => {
      hooked = error;
    });
    const workflow = {
      version: 1,
      nodes: {
        n: { type: 'Number' },
        bad: { type: 'Fail', inputs: { x: link('n', 'value'), message: 'out of memory' } },
        show: { type: 'Show', inputs: { value: link('bad', 'value') } },
      },
    };
    const { result, events } = await run(executor, workflow);
    const expected = { code: 'node_failed', nodeId: 'bad', nodeType: 'Fail', message: 'Node "bad" (Fail) failed: out of memory' };
    expect(result).toEqual({ runId: result.runId, status: 'failed', error: expected });
    expect(typesOf(events).slice(-2)).toEqual(['node_failed:bad', 'run_failed']);
    expect(events.at(-2)).toMatchObject({ error: expected });
    expect(events.at(-1)).toMatchObject({ error: expected });
    expect((hooked?.cause as Error).message).toBe('out of memory');
    expect(calls.get('Show')).toBeUndefined();
  });

  it('keeps the stable code of a coded error from a node (e.g. backend_unavailable) and adds where it happened', async () => {
    const backendError = Object.assign(new Error('backend cuda is not available'), { code: 'backend_unavailable' });
    const ownError = new LatentflowError('inference_failed', 'no model "x"');
    const plain = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    const failing = (type: string, error: unknown) =>
      defineNode({ type, displayName: type, category: 't', description: '', output: true, inputs: {}, outputs: {}, execute: async () => { throw error; } });
    const registry = testRegistry();
    registry.register(definePlugin({ name: 'failing', version: '1', nodes: [failing('A', backendError), failing('B', ownError), failing('C', plain)] }));
    const executor = createExecutor({ registry });
    const errorOf = async (type: string) => {
      const { result } = await run(executor, { version: 1, nodes: { x: { type } } });
      return result.status === 'failed' ? result.error : undefined;
    };
    expect(await errorOf('A')).toEqual({ code: 'backend_unavailable', nodeId: 'x', nodeType: 'A', message: 'Node "x" (A): backend cuda is not available' });
    expect(await errorOf('B')).toEqual({ code: 'inference_failed', nodeId: 'x', nodeType: 'B', message: 'no model "x"' });
    expect(await errorOf('C')).toMatchObject({ code: 'node_failed', nodeId: 'x', nodeType: 'C' });
  });

  it('keeps the code and input of another layer\'s coded error (a checkpoint or sampler failure) instead of node_failed', async () => {
    const checkpointError = Object.assign(new Error('model.ckpt is damaged: bad zip'), { code: 'checkpoint_corrupt' });
    const samplerError = Object.assign(new Error('Unknown sampler "x"'), { code: 'unknown_sampler', input: 'sampler' });
    const failing = (type: string, error: unknown) =>
      defineNode({ type, displayName: type, category: 't', description: '', output: true, inputs: {}, outputs: {}, execute: async () => { throw error; } });
    const registry = testRegistry();
    registry.register(definePlugin({ name: 'failing', version: '1', nodes: [failing('Load', checkpointError), failing('Sample', samplerError)] }));
    const executor = createExecutor({ registry });
    const errorOf = async (type: string) => {
      const { result } = await run(executor, { version: 1, nodes: { x: { type } } });
      return result.status === 'failed' ? result.error : undefined;
    };
    expect(await errorOf('Load')).toEqual({ code: 'checkpoint_corrupt', nodeId: 'x', nodeType: 'Load', message: 'Node "x" (Load): model.ckpt is damaged: bad zip' });
    expect(await errorOf('Sample')).toMatchObject({ code: 'unknown_sampler', nodeId: 'x', nodeType: 'Sample', input: 'sampler' });
  });

  it('fails a node that returns no object, misses an output, or (as an output node) returns non-JSON', async () => {
    const node = (type: string, output_: boolean, result: unknown) =>
      defineNode({
        type,
        displayName: type,
        category: 't',
        description: '',
        output: output_,
        inputs: { x: socket<number>('INT', { optional: true }) },
        outputs: output_ ? {} : { y: output<number>('INT') },
        execute: async () => result as never,
      });
    const registry = testRegistry();
    registry.register(
      definePlugin({
        name: 'odd',
        version: '1',
        nodes: [node('Nothing', true, undefined), node('Missing', false, {}), node('Tensor', true, { t: new Float32Array(2) }), node('NaN', true, { v: [1, NaN] })],
      }),
    );
    const executor = createExecutor({ registry });
    const errorOf = async (workflow: unknown) => {
      const { result } = await run(executor, workflow);
      return result.status === 'failed' ? result.error : undefined;
    };
    expect(await errorOf({ version: 1, nodes: { x: { type: 'Nothing' } } })).toMatchObject({ code: 'node_failed', message: expect.stringContaining('instead of an object') });
    expect(
      await errorOf({ version: 1, nodes: { m: { type: 'Missing' }, s: { type: 'Show', inputs: { value: link('m', 'y') } } } }),
    ).toMatchObject({ code: 'node_failed', nodeId: 'm', message: expect.stringContaining('did not return output(s) y') });
    expect(await errorOf({ version: 1, nodes: { x: { type: 'Tensor' } } })).toMatchObject({ code: 'output_not_serializable', nodeId: 'x', message: expect.stringContaining('$.t') });
    expect(await errorOf({ version: 1, nodes: { x: { type: 'NaN' } } })).toMatchObject({ message: expect.stringContaining('$.v[1]') });
  });

  it('validates the whole graph before any node runs', async () => {
    const executor = createExecutor({ registry: testRegistry() });
    const workflow = chainWorkflow() as { nodes: Record<string, unknown> };
    workflow.nodes.broken = { type: 'Number', inputs: { value: -5 } };
    const { result, events } = await run(executor, workflow);
    expect(calls.size).toBe(0);
    expect(typesOf(events)).toEqual(['run_failed']);
    expect(result.status === 'failed' && result.error).toMatchObject({
      code: 'invalid_workflow',
      issues: [{ code: 'out_of_range', nodeId: 'broken', input: 'value' }],
    });
  });

  it('adds the hooks of every registered plugin to each executor made from the registry', async () => {
    const seen: string[] = [];
    const registry = testRegistry();
    registry.register(definePlugin({
      name: 'audit',
      version: '1.0.0',
      nodes: [],
      hooks: { onRunStart: ({ nodes }) => void seen.push(`run:${nodes.join(',')}`), onNodeEnd: ({ nodeId }) => void seen.push(`end:${nodeId}`) },
    }));
    await run(createExecutor({ registry }), chainWorkflow(2, 3));
    expect(seen).toEqual(['run:n,add,show', 'end:n', 'end:add', 'end:show']);
  });

  it('forwards progress and previews as events, and calls hooks in lifecycle order', async () => {
    const executor = createExecutor({ registry: testRegistry() });
    const seen: string[] = [];
    executor.addHook('onRunStart', ({ nodes }) => void seen.push(`run:${nodes.join(',')}`));
    executor.addHook('onNodeStart', async ({ nodeId }) => void seen.push(`start:${nodeId}`));
    executor.addHook('onProgress', ({ nodeId, value, max }) => void seen.push(`progress:${nodeId}:${value}/${max}`));
    executor.addHook('onNodeEnd', ({ nodeId, cached }) => void seen.push(`end:${nodeId}:${cached}`));
    const workflow = {
      version: 1,
      nodes: {
        n: { type: 'Number' },
        slow: { type: 'Slow', inputs: { x: link('n', 'value'), steps: 2, delayMs: 0 } },
        show: { type: 'Show', inputs: { value: link('slow', 'value') } },
      },
    };
    await run(executor, workflow);
    await run(executor, { ...workflow, nodes: { ...workflow.nodes, show: { type: 'Show', inputs: { value: link('slow', 'value'), label: 'v' } } } });
    expect(seen).toEqual([
      'run:n,slow,show', 'start:n', 'end:n:false', 'start:slow', 'progress:slow:1/2', 'progress:slow:2/2', 'end:slow:false', 'start:show', 'end:show:false',
      'run:n,slow,show', 'end:n:true', 'end:slow:true', 'start:show', 'end:show:false',
    ]);
    const addAnyHook = executor.addHook as (name: string, hook: () => void) => void;
    expect(() => addAnyHook('onNodeEnd', 'not a function' as never)).toThrow('hook onNodeEnd must be a function');
    expect(() => addAnyHook('onFire', () => {})).toThrow(expect.objectContaining({ code: 'unknown_hook' }));

    const fresh = await run(createExecutor({ registry: testRegistry() }), workflow);
    const previews = fresh.events.filter((e) => e.type === 'node_preview');
    expect(previews).toHaveLength(2);
    expect(previews[1]).toMatchObject({ nodeId: 'slow', nodeType: 'Slow', preview: { kind: 'latent', shape: [1, 4], step: 2 } });
  });

  it('fails the run when a hook throws, and survives an event listener that throws', async () => {
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error: (m: string) => void warnings.push(m) };
    const executor = createExecutor({ registry: testRegistry(), log });
    executor.addHook('onRunStart', () => {
      throw new Error('not today');
    });
    executor.addHook('onError', () => {
      throw new Error('hook broke too');
    });
    const result = await executor.run(chainWorkflow(), {
      env: testEnv,
      onEvent: () => {
        throw new Error('socket closed');
      },
    });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'node_failed', message: 'Error: not today' } });
    expect(warnings).toEqual(['onError hook threw', 'run event listener threw']);
  });

  it('gives each node a context with its id, the run environment and a logger bound to run and node', async () => {
    const lines: { message: string; data?: Record<string, unknown> }[] = [];
    const log = { debug() {}, info: (message: string, data?: Record<string, unknown>) => void lines.push({ message, data }), warn() {}, error() {} };
    const seen: unknown[] = [];
    const Probe = defineNode({
      type: 'Probe', displayName: 'Probe', category: 't', description: '', output: true, inputs: {}, outputs: {},
      async execute(_inputs, ctx) {
        ctx.log.info('hello', { extra: 1 });
        seen.push(ctx.nodeId, ctx.env.backend, ctx.signal.aborted);
        return {};
      },
    });
    const registry = testRegistry();
    registry.register(definePlugin({ name: 'probe', version: '1', nodes: [Probe] }));
    const result = await createExecutor({ registry, log }).run({ version: 1, nodes: { p: { type: 'Probe' } } }, { env: testEnv, runId: 'run-7' });
    expect(result).toEqual({ runId: 'run-7', status: 'finished', outputs: { p: {} } });
    expect(seen).toEqual(['p', 'cpu', false]);
    expect(lines).toEqual([{ message: 'hello', data: { runId: 'run-7', nodeId: 'p', extra: 1 } }]);
  });
});
