import { describe, expect, it } from 'vitest';
import { createExecutor, createRegistry, defineNode, definePlugin, int, loadPlugin, output, socket, type RunEnvironment } from 'latentflow';
import builtin from 'latentflow/nodes';
import type { ImageBatch } from './image-invert.ts';

/** A 2x1 image batch of two images, and an output node that reports the first pixels. */
const testNodes = definePlugin({
  name: 'invert-test-helpers',
  version: '1.0.0',
  nodes: [
    defineNode({
      type: 'TestImage', displayName: 'Test image', category: 'test', description: '', inputs: { red: int({ default: 0, min: 0, max: 255 }) },
      outputs: { image: output<ImageBatch>('IMAGE') },
      execute: async ({ red }) => ({ image: { width: 2, height: 1, batch: 2, data: Uint8Array.from([red, 0, 255, 10, 20, 30, 1, 2, 3, 4, 5, 6]) } }),
    }),
    defineNode({
      type: 'ReportPixels', displayName: 'Report pixels', category: 'test', description: '', output: true, inputs: { image: socket<ImageBatch>('IMAGE') },
      outputs: {},
      execute: async ({ image }) => ({ width: image.width, height: image.height, batch: image.batch, data: [...image.data] }),
    }),
  ],
});

const env = { dataDir: '', outputDir: '', inputDir: '', backend: 'cpu', workflow: null, sessions: {} as RunEnvironment['sessions'] } satisfies RunEnvironment;

async function registryWithPlugin() {
  const registry = createRegistry();
  registry.register(builtin);
  registry.register(testNodes);
  // This plugin only: others beside it in plugins/ (which may need the built-in nodes) are not its test's business.
  const report = await loadPlugin(import.meta.dirname, registry);
  return { registry, report };
}

function workflow(amount?: number) {
  return {
    version: 1,
    nodes: {
      source: { type: 'TestImage', inputs: { red: 200 } },
      invert: { type: 'ImageInvert', inputs: { image: { from: 'source', output: 'image' }, ...(amount === undefined ? {} : { amount }) } },
      report: { type: 'ReportPixels', inputs: { image: { from: 'invert', output: 'image' } } },
    },
  };
}

describe('example-invert plugin', () => {
  it('loads from its folder through its package.json', async () => {
    const { registry, report } = await registryWithPlugin();
    expect(report.failed).toEqual([]);
    expect(report.loaded).toContainEqual(expect.objectContaining({ name: 'example-invert', version: '1.0.0', nodes: ['ImageInvert'] }));
    expect(registry.describe().find((d) => d.type === 'ImageInvert')).toMatchObject({
      plugin: 'example-invert',
      category: 'image',
      inputs: [{ name: 'image', kind: 'socket', type: 'IMAGE' }, { name: 'amount', kind: 'float', default: 1, min: 0, max: 1 }],
      outputs: [{ name: 'image', type: 'IMAGE' }],
    });
  });

  it('inverts every channel of every image in the batch, and blends with amount', async () => {
    const { registry } = await registryWithPlugin();
    const executor = createExecutor({ registry });
    const full = await executor.run(workflow(), { env });
    expect(full).toMatchObject({
      status: 'finished',
      outputs: { report: { width: 2, height: 1, batch: 2, data: [55, 255, 0, 245, 235, 225, 254, 253, 252, 251, 250, 249] } },
    });
    const half = await executor.run(workflow(0.5), { env });
    expect(half).toMatchObject({ outputs: { report: { data: [128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128] } } });
    const none = await executor.run(workflow(0), { env });
    expect(none).toMatchObject({ outputs: { report: { data: [200, 0, 255, 10, 20, 30, 1, 2, 3, 4, 5, 6] } } });
  });

  it('refuses an amount outside 0..1 before running', async () => {
    const { registry } = await registryWithPlugin();
    const result = await createExecutor({ registry }).run(workflow(2), { env });
    expect(result).toMatchObject({ status: 'failed', error: { code: 'invalid_workflow', issues: [{ code: 'out_of_range', nodeId: 'invert', input: 'amount' }] } });
  });
});
