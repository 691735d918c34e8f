import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { overrideInputs, type Issue } from '../../contract/index.ts';
import { loadWorkflow, validateWorkflow, type Workflow } from '../../runtime/index.ts';
import type { ServerContext } from '../context.ts';
import { invalidRequest, invalidWorkflow } from '../errors.ts';
import { errorResponses, ProjectParams } from '../schemas/common.ts';
import { QueuedSchema, QueueRunBody, RunListQuery, RunParams, RunSchema, RunSummarySchema } from '../schemas/runs.ts';
import { upgradeStoredWorkflow } from '../stored-workflow.ts';
import { workflowFilesOf } from './workflows.ts';

type QueueBody = Static<typeof QueueRunBody>;
const tags = ['runs'];
const DEFAULT_LIST_LIMIT = 100;

async function workflowToRun(ctx: ServerContext, projectId: string, body: QueueBody): Promise<Workflow> {
  if ((body.workflow === undefined) === (body.workflowName === undefined)) {
    throw invalidRequest('Give exactly one of "workflow" (inline JSON) and "workflowName" (a saved workflow)');
  }
  const base = loadWorkflow(body.workflow ?? (await workflowFilesOf(ctx, projectId).read(body.workflowName as string)), ctx.registry);
  if (base.workflow === undefined) throw problemsIn(base.issues);
  const { workflow, issues } = overrideInputs(base.workflow, body.overrides ?? {});
  const problems: Issue[] = [...issues, ...validateWorkflow(workflow, ctx.registry)];
  if (problems.length > 0) throw problemsIn(problems);
  return workflow;
}

function problemsIn(issues: Issue[]) {
  return invalidWorkflow(issues, `The workflow has ${issues.length} problem(s); see "issues"`);
}

/** Queue a workflow, follow its runs, cancel them. */
export function runRoutes(ctx: ServerContext) {
  return async function registerRunRoutes(app: FastifyInstance): Promise<void> {
    app.post<{ Params: Static<typeof ProjectParams>; Body: QueueBody }>(
      '/projects/:projectId/runs',
      {
        schema: {
          tags,
          summary: 'Queue a run of an inline or saved workflow, with overrides such as {"unet.seed": 7}',
          params: ProjectParams,
          body: QueueRunBody,
          response: { 202: QueuedSchema, ...errorResponses(400, 404, 422, 503) },
        },
      },
      async (request, reply) => {
        const { projectId } = request.params;
        ctx.projects.get(projectId);
        const workflow = await workflowToRun(ctx, projectId, request.body);
        const run = ctx.queue.enqueue(projectId, workflow, request.body.workflowName);
        return reply.status(202).send({ id: run.id, status: run.status });
      },
    );

    app.get<{ Params: Static<typeof ProjectParams>; Querystring: Static<typeof RunListQuery> }>(
      '/projects/:projectId/runs',
      { schema: { tags, summary: 'A project\'s runs, newest first', params: ProjectParams, querystring: RunListQuery, response: { 200: Type.Array(RunSummarySchema), ...errorResponses(404) } } },
      async (request) => {
        ctx.projects.get(request.params.projectId);
        const limit = request.query.limit === undefined ? DEFAULT_LIST_LIMIT : Math.max(1, Number(request.query.limit));
        return ctx.runs.listByProject(request.params.projectId, limit).map((run) => ctx.queue.withLiveNodes(run));
      },
    );

    app.get<{ Params: Static<typeof RunParams> }>(
      '/runs/:runId',
      { schema: { tags, summary: 'One run with its workflow, timings, outputs and error', params: RunParams, response: { 200: RunSchema, ...errorResponses(404) } } },
      async (request) => {
        const run = ctx.queue.withLiveNodes(ctx.runs.get(request.params.runId));
        return { ...run, workflow: upgradeStoredWorkflow(run.workflow, ctx.registry) };
      },
    );

    app.post<{ Params: Static<typeof RunParams> }>(
      '/runs/:runId/cancel',
      {
        schema: {
          tags,
          summary: 'Cancel a queued run, or stop a running one at its next check (it then ends as cancelled)',
          params: RunParams,
          response: { 200: RunSummarySchema, ...errorResponses(404, 409) },
        },
      },
      async (request) => ctx.queue.cancel(request.params.runId),
    );

    app.post(
      '/interrupt',
      { schema: { tags, summary: 'Cancel whatever is running now', response: { 200: Type.Object({ runId: Type.Union([Type.String(), Type.Null()]) }) } } },
      async () => ({ runId: ctx.queue.interrupt() }),
    );
  };
}
