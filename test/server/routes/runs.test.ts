import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LatentflowServer } from '../../../server/index.ts';
import { executions, gateWorkflow, openGate, startTestServer, stepsWorkflow, waitFor } from '../helpers.ts';

let server: LatentflowServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const queue = (body: object, projectId = 'default') =>
  server.app.inject({ method: 'POST', url: `/api/projects/${projectId}/runs`, payload: body });
const getRun = async (id: string) => (await server.app.inject({ url: `/api/runs/${id}` })).json();
const settled = (id: string) =>
  waitFor(async () => {
    const run = await getRun(id);
    return ['finished', 'failed', 'cancelled', 'interrupted'].includes(run.status) ? run : undefined;
  });
const reached = (id: string, status: string) => waitFor(async () => ((await getRun(id)).status === status ? true : undefined));

describe('queueing runs', () => {
  it('queues an inline workflow: 202 queued, then finished with timings, node outcomes and output images', async () => {
    const response = await queue({ workflow: stepsWorkflow(5) });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ id: expect.any(String), status: 'queued' });
    const run = await settled(response.json().id);
    expect(run).toMatchObject({ projectId: 'default', status: 'finished', workflowName: null, workflow: stepsWorkflow(5) });
    expect(Date.parse(run.finishedAt)).toBeGreaterThanOrEqual(Date.parse(run.startedAt));
    expect(Date.parse(run.startedAt)).toBeGreaterThanOrEqual(Date.parse(run.createdAt));
    expect(run.durationMs).toBeGreaterThanOrEqual(0);
    expect(run.nodes).toEqual({
      a: { status: 'finished', durationMs: expect.any(Number) },
      steps: { status: 'finished', durationMs: expect.any(Number) },
      save: { status: 'finished', durationMs: expect.any(Number) },
    });
    const [image] = run.outputs.images;
    expect(image).toEqual({ nodeId: 'save', filename: expect.stringMatching(/\.png$/), url: `/api/projects/default/images/${image.filename}` });
    expect(run.outputs.nodes.save.images[0].width).toBe(5);
    const png = await server.app.inject({ url: image.url });
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.readUInt32BE(16)).toBe(5);
  });

  it('queues a saved workflow by name with overrides', async () => {
    const response = await queue({ workflowName: 'add', overrides: { 'a.value': 10, 'b.value': 32 } });
    const run = await settled(response.json().id);
    expect(run.status).toBe('finished');
    expect(run.workflowName).toBe('add');
    expect(run.workflow.nodes.a.inputs.value).toBe(10);
    expect(run.outputs.nodes.save.images[0].width).toBe(42);
  });

  it('reports every validation problem with node ids and inputs, and queues nothing', async () => {
    const broken = {
      version: 1,
      nodes: {
        a: { type: 'TestNumber', inputs: { value: 5000 } },
        ghost: { type: 'NoSuchNode', inputs: {} },
        sum: { type: 'TestAdd', inputs: { a: { from: 'a', output: 'number' } } },
      },
    };
    const response = await queue({ workflow: broken, overrides: { 'nobody.value': 1 } });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.code).toBe('invalid_workflow');
    const found = body.issues.map((error: { code: string; nodeId?: string; input?: string }) => [error.code, error.nodeId, error.input]);
    expect(found).toEqual(
      expect.arrayContaining([
        ['bad_override', undefined, undefined],
        ['out_of_range', 'a', 'value'],
        ['unknown_node_type', 'ghost', undefined],
        ['missing_input', 'sum', 'b'],
        ['no_output', undefined, undefined],
      ]),
    );
    expect((await server.app.inject({ url: '/api/projects/default/runs' })).json()).toEqual([]);
  });

  // Sent as text with DEEP in place of the value: JSON.stringify itself cannot write these documents.
  it.each([
    ['meta', { workflow: { ...stepsWorkflow(), meta: { deep: 'DEEP' } } }],
    ['ui', { workflow: { ...stepsWorkflow(), ui: { deep: 'DEEP' } } }],
    ['a literal input', { workflow: { ...stepsWorkflow(), nodes: { ...stepsWorkflow().nodes, a: { type: 'TestNumber', inputs: { value: 'DEEP' } } } } }],
    ['an override', { workflow: stepsWorkflow(), overrides: { 'a.value': 'DEEP' } }],
  ])('answers JSON nested 5,000 levels deep in %s with 400 json_too_deep, never a 500', async (_where, body) => {
    const payload = JSON.stringify(body).replace('"DEEP"', `${'['.repeat(5000)}1${']'.repeat(5000)}`);
    const response = await server.app.inject({ method: 'POST', url: '/api/projects/default/runs', payload, headers: { 'content-type': 'application/json' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_workflow', issues: [{ code: 'json_too_deep' }] });
  });

  it('queues an old workflow at the current node versions, and shows history at them too', async () => {
    const old = { version: 1, nodes: { v: { type: 'TestVersioned', inputs: { n: 6 } }, save: { type: 'TestSave', inputs: { value: { from: 'v', output: 'number' } } } } };
    const run = await settled((await queue({ workflow: old })).json().id);
    expect(run).toMatchObject({ status: 'finished', workflow: { nodes: { v: { inputs: { value: 6 }, version: 2 } } } });
    const stored = server.context.runs.insert({ projectId: 'default', workflow: old });
    expect((await getRun(stored.id)).workflow.nodes.v).toEqual({ type: 'TestVersioned', inputs: { value: 6 }, version: 2 });
  });

  it('needs exactly one of workflow and workflowName', async () => {
    expect((await queue({})).json().code).toBe('invalid_request');
    expect((await queue({ workflow: stepsWorkflow(), workflowName: 'add' })).json().code).toBe('invalid_request');
    expect((await queue({ workflowName: 'missing' })).json().code).toBe('workflow_not_found');
    expect((await queue({ workflowName: '../add' })).statusCode).toBe(400);
    expect((await queue({ workflow: stepsWorkflow() }, 'nope')).json().code).toBe('project_not_found');
  });

  it('a re-run with one literal changed executes only its dependents (one shared executor cache)', async () => {
    const workflow = {
      version: 1,
      nodes: {
        a: { type: 'TestNumber', inputs: { value: 3 } },
        b: { type: 'TestNumber', inputs: { value: 4 } },
        sum: { type: 'TestAdd', inputs: { a: { from: 'a', output: 'number' }, b: { from: 'b', output: 'number' } } },
        save: { type: 'TestSave', inputs: { value: { from: 'sum', output: 'sum' } } },
      },
    };
    await settled((await queue({ workflow })).json().id);
    const before = executions.get('TestNumber') ?? 0;
    const rerun = await settled((await queue({ workflow, overrides: { 'b.value': 5 } })).json().id);
    expect(rerun.nodes).toEqual({
      a: { status: 'cached' },
      b: { status: 'finished', durationMs: expect.any(Number) },
      sum: { status: 'finished', durationMs: expect.any(Number) },
      save: { status: 'finished', durationMs: expect.any(Number) },
    });
    expect(executions.get('TestNumber')).toBe(before + 1);
    expect(rerun.outputs.nodes.save.images[0].width).toBe(8);
  });

  it('never serves one project a cached result made for another (their folders and hardware differ)', async () => {
    const other = (await server.app.inject({ method: 'POST', url: '/api/projects', payload: { name: 'Other' } })).json().id;
    const first = await settled((await queue({ workflow: stepsWorkflow(9) })).json().id);
    const second = await settled((await queue({ workflow: stepsWorkflow(9) }, other)).json().id);
    expect(Object.values(second.nodes).map((node) => (node as { status: string }).status)).not.toContain('cached');
    const image = await server.app.inject({ url: second.outputs.images[0].url });
    expect(image.statusCode).toBe(200);
    expect(first.outputs.images[0].url).not.toBe(second.outputs.images[0].url);
  });

  it('records a failing node as a failed run with the node at fault', async () => {
    const workflow = {
      version: 1,
      nodes: {
        a: { type: 'TestNumber', inputs: { value: 1 } },
        boom: { type: 'TestFail', inputs: { value: { from: 'a', output: 'number' } } },
        save: { type: 'TestSave', inputs: { value: { from: 'boom', output: 'value' } } },
      },
    };
    const run = await settled((await queue({ workflow })).json().id);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'node_failed', nodeId: 'boom', nodeType: 'TestFail', message: expect.stringContaining('always fails') });
    expect(run.nodes.boom).toEqual({ status: 'failed' });
  });

  it('fails a run cleanly when its project folders cannot be prepared, and goes on with the queue', async () => {
    const outputs = path.join(server.context.dataDir, 'projects', 'default', 'outputs');
    fs.rmSync(outputs, { recursive: true });
    fs.writeFileSync(outputs, 'not a folder');
    const run = await settled((await queue({ workflow: stepsWorkflow() })).json().id);
    expect(run.status).toBe('failed');
    expect(run.error).toEqual({ code: 'internal_error', message: expect.stringContaining('outputs') });
    fs.rmSync(outputs);
    expect((await settled((await queue({ workflow: stepsWorkflow() })).json().id)).status).toBe('finished');
  });

  it('runs one at a time, oldest first', async () => {
    const first = (await queue({ workflow: gateWorkflow('order') })).json().id;
    const second = (await queue({ workflow: stepsWorkflow(2) })).json().id;
    await reached(first, 'running');
    expect((await getRun(second)).status).toBe('queued');
    expect((await server.app.inject({ url: '/api/health' })).json().queue).toEqual({ running: 1, queued: 1 });
    openGate('order');
    await settled(second);
    const [a, b] = [await getRun(first), await getRun(second)];
    expect(Date.parse(b.startedAt)).toBeGreaterThanOrEqual(Date.parse(a.finishedAt));
  });
});

describe('listing and reading runs', () => {
  it('lists a project\'s runs newest first, without their workflows, honouring limit', async () => {
    const ids: string[] = [];
    for (const value of [1, 2, 3]) ids.push((await queue({ workflow: stepsWorkflow(value) })).json().id);
    await settled(ids[2]);
    const list = (await server.app.inject({ url: '/api/projects/default/runs' })).json();
    expect(list.map((run: { id: string }) => run.id)).toEqual([...ids].reverse());
    expect(list[0]).not.toHaveProperty('workflow');
    expect(list[0].status).toBe('finished');
    expect((await server.app.inject({ url: '/api/projects/default/runs?limit=2' })).json()).toHaveLength(2);
    expect((await server.app.inject({ url: '/api/projects/default/runs?limit=-1' })).statusCode).toBe(400);
    expect((await server.app.inject({ url: '/api/projects/nope/runs' })).statusCode).toBe(404);
  });

  it('shows a running run\'s node outcomes so far', async () => {
    const id = (await queue({ workflow: gateWorkflow('live-nodes') })).json().id;
    await waitFor(async () => ((await getRun(id)).nodes.a ? true : undefined));
    const running = await getRun(id);
    expect(running.status).toBe('running');
    expect(running.nodes).toEqual({ a: { status: 'finished', durationMs: expect.any(Number) } });
    expect((await server.app.inject({ url: '/api/projects/default/runs' })).json()[0].nodes.a.status).toBe('finished');
    openGate('live-nodes');
    expect(Object.keys((await settled(id)).nodes)).toEqual(['a', 'gate', 'save']);
  });

  it('answers 404 run_not_found for an unknown run', async () => {
    const response = await server.app.inject({ url: '/api/runs/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('run_not_found');
  });
});

describe('cancelling', () => {
  it('cancels a queued run at once and a running one at its next check', async () => {
    const running = (await queue({ workflow: gateWorkflow('never') })).json().id;
    const waiting = (await queue({ workflow: stepsWorkflow() })).json().id;
    await reached(running, 'running');

    const cancelQueued = await server.app.inject({ method: 'POST', url: `/api/runs/${waiting}/cancel` });
    expect(cancelQueued.statusCode).toBe(200);
    expect(cancelQueued.json().status).toBe('cancelled');

    expect((await server.app.inject({ method: 'POST', url: `/api/runs/${running}/cancel` })).statusCode).toBe(200);
    expect((await settled(running)).status).toBe('cancelled');
    expect((await getRun(waiting)).startedAt).toBeNull();

    const again = await server.app.inject({ method: 'POST', url: `/api/runs/${running}/cancel` });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('run_not_cancellable');
    expect((await server.app.inject({ method: 'POST', url: '/api/runs/nope/cancel' })).statusCode).toBe(404);
  });

  it('interrupt cancels whatever is running and says which run it was', async () => {
    expect((await server.app.inject({ method: 'POST', url: '/api/interrupt' })).json()).toEqual({ runId: null });
    const id = (await queue({ workflow: stepsWorkflow(1, 1000, 10) })).json().id;
    await reached(id, 'running');
    expect((await server.app.inject({ method: 'POST', url: '/api/interrupt' })).json()).toEqual({ runId: id });
    expect((await settled(id)).status).toBe('cancelled');
  });
});
