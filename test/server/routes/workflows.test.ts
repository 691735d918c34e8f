import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LatentflowServer } from '../../../server/index.ts';
import { startTestServer, stepsWorkflow, tempDir } from '../helpers.ts';

let server: LatentflowServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const url = (name: string) => `/api/projects/default/workflows/${name}`;
const folder = () => path.join(server.context.dataDir, 'projects', 'default', 'workflows');

describe('workflows', () => {
  it('saves, lists, reads and deletes a workflow file', async () => {
    const workflow = { ...stepsWorkflow(), ui: { positions: { a: [10, 20] } } };
    const saved = await server.app.inject({ method: 'PUT', url: url('my-flow_1'), payload: workflow });
    expect(saved.statusCode).toBe(200);
    expect(saved.json().name).toBe('my-flow_1');
    expect(JSON.parse(fs.readFileSync(path.join(folder(), 'my-flow_1.json'), 'utf8'))).toEqual(workflow);

    const list = (await server.app.inject({ url: '/api/projects/default/workflows' })).json();
    expect(list.map((entry: { name: string }) => entry.name)).toEqual(['add', 'my-flow_1']);
    expect((await server.app.inject({ url: url('my-flow_1') })).json()).toEqual(workflow);

    expect((await server.app.inject({ method: 'DELETE', url: url('my-flow_1') })).statusCode).toBe(204);
    const gone = await server.app.inject({ url: url('my-flow_1') });
    expect(gone.statusCode).toBe(404);
    expect(gone.json().code).toBe('workflow_not_found');
    expect((await server.app.inject({ method: 'DELETE', url: url('my-flow_1') })).json().code).toBe('workflow_not_found');
  });

  it('replaces a workflow atomically, leaving no temporary files', async () => {
    await server.app.inject({ method: 'PUT', url: url('flow'), payload: stepsWorkflow(1) });
    await server.app.inject({ method: 'PUT', url: url('flow'), payload: stepsWorkflow(2) });
    expect((await server.app.inject({ url: url('flow') })).json().nodes.a.inputs.value).toBe(2);
    expect(fs.readdirSync(folder()).sort()).toEqual(['add.json', 'flow.json']);
  });

  it('keeps literal types exactly (no coercion) and saves drafts with unknown node types', async () => {
    const draft = { version: 1, nodes: { x: { type: 'NotYetInstalled', inputs: { text: '5', n: 5, flag: false } } } };
    expect((await server.app.inject({ method: 'PUT', url: url('draft'), payload: draft })).statusCode).toBe(200);
    expect((await server.app.inject({ url: url('draft') })).json()).toEqual(draft);
  });

  it('reads a saved workflow back at the current node versions, migrating older nodes', async () => {
    fs.mkdirSync(folder(), { recursive: true });
    const old = { version: 1, nodes: { v: { type: 'TestVersioned', inputs: { n: 3 } } } };
    fs.writeFileSync(path.join(folder(), 'old.json'), JSON.stringify(old));
    expect((await server.app.inject({ url: url('old') })).json()).toEqual({ version: 1, nodes: { v: { type: 'TestVersioned', inputs: { value: 3 }, version: 2 } } });
  });

  it('upgrades a workflow from a file or PNG to the current node versions without storing it', async () => {
    const old = { version: 1, nodes: { v: { type: 'TestVersioned', inputs: { n: 3 } }, x: { type: 'NotInstalled' } } };
    const response = await server.app.inject({ method: 'POST', url: '/api/workflows/upgrade', payload: old });
    expect(response.statusCode).toBe(200);
    expect(response.json().nodes).toEqual({ v: { type: 'TestVersioned', inputs: { value: 3 }, version: 2 }, x: { type: 'NotInstalled' } });
  });

  it('refuses to save JSON nested 5,000 levels deep with a coded 400, writing nothing', async () => {
    // Sent as text: JSON.stringify itself cannot write this document.
    const payload = `{"version":1,"nodes":{},"ui":{"deep":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}}`;
    const response = await server.app.inject({ method: 'PUT', url: url('deep'), payload, headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_workflow', issues: [{ code: 'json_too_deep' }] });
    expect(fs.existsSync(path.join(folder(), 'deep.json'))).toBe(false);
  });

  it('refuses a body that is not workflow JSON v1', async () => {
    for (const body of [{ version: 2, nodes: {} }, { nodes: {} }, { version: 1, nodes: { a: { inputs: {} } } }, { version: 1, nodes: {}, extra: true }]) {
      const response = await server.app.inject({ method: 'PUT', url: url('bad'), payload: body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().code).toBe('invalid_request');
      expect(response.json().issues.length).toBeGreaterThan(0);
    }
    expect(fs.existsSync(path.join(folder(), 'bad.json'))).toBe(false);
  });

  // `..` is normalised away by the router (no such route); over-long path segments are refused by fastify itself.
  it.each([
    ['..%2F..%2Fescape', 400],
    ['a.b', 400],
    ['with%20space', 400],
    ['%2Fetc%2Fpasswd', 400],
    ['..', 404],
    ['x'.repeat(101), 414],
  ])('refuses the name %s with %i', async (name, status) => {
    const put = await server.app.inject({ method: 'PUT', url: url(name), payload: stepsWorkflow() });
    expect(put.statusCode).toBe(status);
    expect((await server.app.inject({ url: url(name) })).statusCode).toBeGreaterThanOrEqual(400);
    expect(fs.readdirSync(folder()).sort()).toEqual(['add.json']);
    expect(fs.existsSync(path.join(server.context.dataDir, 'projects', 'escape.json'))).toBe(false);
  });

  it('refuses to read or write through a symlink that leaves the folder', async () => {
    const outside = tempDir('outside');
    fs.writeFileSync(path.join(outside, 'secret.json'), '{"version":1,"nodes":{}}');
    fs.symlinkSync(path.join(outside, 'secret.json'), path.join(folder(), 'sneaky.json'));
    const read = await server.app.inject({ url: url('sneaky') });
    expect(read.statusCode).toBe(400);
    expect(read.json().code).toBe('path_escape');
    const write = await server.app.inject({ method: 'PUT', url: url('sneaky'), payload: stepsWorkflow() });
    expect(write.json().code).toBe('path_escape');
    expect(fs.readFileSync(path.join(outside, 'secret.json'), 'utf8')).toBe('{"version":1,"nodes":{}}');
  });

  it('answers 404 workflow_not_found, not a 500, for a folder named like a workflow file', async () => {
    fs.mkdirSync(path.join(folder(), 'a-folder.json'));
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await server.app.inject({ method, url: url('a-folder') });
      expect(response.statusCode, method).toBe(404);
      expect(response.json().code).toBe('workflow_not_found');
    }
  });

  it('reports a saved workflow file that is not JSON (e.g. edited by hand) with its name, not as an internal error', async () => {
    fs.writeFileSync(path.join(folder(), 'hand-edited.json'), '{ "version": 1, ');
    const response = await server.app.inject({ url: url('hand-edited') });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toMatchObject({ code: 'workflow_file_invalid', message: expect.stringContaining('"hand-edited"') });
    const queued = await server.app.inject({ method: 'POST', url: '/api/projects/default/runs', payload: { workflowName: 'hand-edited' } });
    expect(queued.json().code).toBe('workflow_file_invalid');
  });

  it('answers 404 for the workflows of an unknown project', async () => {
    expect((await server.app.inject({ url: '/api/projects/nope/workflows' })).json().code).toBe('project_not_found');
    expect((await server.app.inject({ method: 'PUT', url: '/api/projects/nope/workflows/x', payload: stepsWorkflow() })).statusCode).toBe(404);
  });
});
