import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import type { LatentflowServer } from '../../../server/index.ts';
import { startTestServer, tempDir } from '../helpers.ts';

let server: LatentflowServer;
afterEach(() => server?.close());

describe('system routes', () => {
  it('GET /api/health reports version, uptime and the queue', async () => {
    server = await startTestServer();
    const health = (await server.app.inject({ url: '/api/health' })).json();
    expect(health).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/), uptimeMs: expect.any(Number), queue: { running: 0, queued: 0 } });
  });

  it('GET /api/hardware by default asks the backends module about the real machine', async () => {
    server = await startTestServer({ hardware: undefined });
    const hardware = (await server.app.inject({ url: '/api/hardware' })).json();
    expect(hardware.cpu.cores).toBe(os.cpus().length);
    expect(hardware.memoryBytes).toBe(os.totalmem());
    expect(hardware.backends).toContainEqual(expect.objectContaining({ name: 'cpu', available: true }));
  });

  it('GET /api/nodes describes every registered node type', async () => {
    server = await startTestServer();
    const nodes = (await server.app.inject({ url: '/api/nodes' })).json();
    const number = nodes.find((node: { type: string }) => node.type === 'TestNumber');
    expect(number).toMatchObject({ category: 'test', plugin: 'server-test-nodes', output: false, outputs: [{ name: 'number', type: 'NUMBER' }] });
    expect(number.inputs[0]).toMatchObject({ name: 'value', kind: 'float', default: 1, min: -1000, max: 1000 });
  });

  it('loads third-party plugins and reports those that fail, while the rest still load', async () => {
    const pluginsDir = tempDir('plugins');
    const runtimeIndex = path.resolve(import.meta.dirname, '../../../runtime/index.ts');
    fs.mkdirSync(path.join(pluginsDir, 'good'));
    fs.writeFileSync(
      path.join(pluginsDir, 'good', 'index.ts'),
      `import { defineNode, definePlugin, output } from ${JSON.stringify(runtimeIndex)};
export default definePlugin({ name: 'good', version: '2.0.0', nodes: [defineNode({ type: 'GoodNode', displayName: 'Good', category: 'x', description: 'd', inputs: {}, outputs: { v: output('V') }, async execute() { return { v: 1 }; } })] });\n`,
    );
    fs.mkdirSync(path.join(pluginsDir, 'broken'));
    fs.writeFileSync(path.join(pluginsDir, 'broken', 'index.ts'), 'throw new Error("kaboom");\n');
    server = await startTestServer({ pluginsDir });
    const plugins = (await server.app.inject({ url: '/api/plugins' })).json();
    expect(plugins.loaded).toContainEqual({ name: 'good', version: '2.0.0', source: path.join(pluginsDir, 'good'), nodes: ['GoodNode'] });
    expect(plugins.loaded).toContainEqual(expect.objectContaining({ name: 'server-test-nodes' }));
    expect(plugins.failed).toEqual([{ source: path.join(pluginsDir, 'broken'), code: 'plugin_load_failed', message: expect.stringContaining('kaboom') }]);
    expect((await server.app.inject({ url: '/api/nodes' })).json().map((node: { type: string }) => node.type)).toContain('GoodNode');
  });

  it('loads the built-in nodes from nodes/index.ts', async () => {
    server = await startTestServer({ builtinNodes: true, plugins: [] });
    const plugins = (await server.app.inject({ url: '/api/plugins' })).json();
    expect(plugins.loaded[0]).toMatchObject({ source: 'nodes/index.ts', name: 'latentflow-builtin' });
    expect(plugins.failed).toEqual([]);
  });

  it('GET /api/schema/workflow.json is the workflow JSON Schema', async () => {
    server = await startTestServer();
    const schema = (await server.app.inject({ url: '/api/schema/workflow.json' })).json();
    expect(schema).toMatchObject({ type: 'object', required: expect.arrayContaining(['version', 'nodes']) });
    expect(schema.properties.version.const).toBe(1);
  });

  it('unknown routes answer 404 route_not_found', async () => {
    server = await startTestServer();
    const response = await server.app.inject({ url: '/api/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('route_not_found');
  });
});

describe('OpenAPI', () => {
  it('documents every API route with its params, body and responses from the validating schemas', async () => {
    server = await startTestServer();
    const document = (await server.app.inject({ url: '/api/openapi.json' })).json();
    expect(document.openapi).toMatch(/^3\./);
    const operations = Object.entries(document.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(([route, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ route, method, operation })),
    );
    expect(operations.length).toBeGreaterThanOrEqual(20);
    for (const { route, method, operation } of operations) {
      expect(operation.responses, `${method} ${route}`).toBeDefined();
      expect(operation.summary, `${method} ${route}`).toEqual(expect.any(String));
      if (route.includes('{')) expect(operation.parameters, `${method} ${route}`).toBeDefined();
    }
    const createProject = document.paths['/api/projects'].post;
    expect(createProject.requestBody.content['application/json'].schema.required).toEqual(['name']);
    expect(createProject.responses['409']).toBeDefined();
    const queueRun = document.paths['/api/projects/{projectId}/runs'].post;
    expect(queueRun.requestBody.content['application/json'].schema.properties.workflow.properties.version).toBeDefined();
  });

  it('serves the docs page at /api/docs', async () => {
    server = await startTestServer();
    const response = await server.app.inject({ url: '/api/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
  });
});

describe('editor', () => {
  it('says how to build the editor when editor/dist is missing', async () => {
    server = await startTestServer();
    const response = await server.app.inject({ url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('npm run build:editor');
  });

  it('serves the built editor from its dist folder', async () => {
    const editorDir = tempDir('dist');
    fs.writeFileSync(path.join(editorDir, 'index.html'), '<!doctype html><title>editor</title>');
    fs.mkdirSync(path.join(editorDir, 'assets'));
    fs.writeFileSync(path.join(editorDir, 'assets', 'app.js'), 'console.log(1)');
    server = await startTestServer({ editorDir });
    expect((await server.app.inject({ url: '/' })).body).toContain('<title>editor</title>');
    const script = await server.app.inject({ url: '/assets/app.js' });
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect((await server.app.inject({ url: '/api/health' })).json().ok).toBe(true);
    expect((await server.app.inject({ url: '/api/nope' })).json().code).toBe('route_not_found');
  });
});
