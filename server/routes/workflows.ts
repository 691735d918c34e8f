import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { errorResponses, ProjectParams, WorkflowBodySchema, WorkflowJson } from '../schemas/common.ts';
import { WorkflowEntrySchema, WorkflowParams } from '../schemas/workflows.ts';
import { assertStorable, upgradeStoredWorkflow } from '../stored-workflow.ts';
import { WorkflowFiles } from '../workflow-files.ts';

type Params = Static<typeof WorkflowParams>;
const tags = ['workflows'];

export function workflowFilesOf(ctx: ServerContext, projectId: string): WorkflowFiles {
  ctx.projects.get(projectId);
  return new WorkflowFiles(projectId, ctx.folders.workflows(projectId), ctx.registry);
}

/** A project's saved workflows, one JSON file each, written atomically. */
export function workflowRoutes(ctx: ServerContext) {
  return async function registerWorkflowRoutes(app: FastifyInstance): Promise<void> {
    app.get<{ Params: Static<typeof ProjectParams> }>(
      '/projects/:projectId/workflows',
      { schema: { tags, summary: 'The workflows saved in a project', params: ProjectParams, response: { 200: Type.Array(WorkflowEntrySchema), ...errorResponses(404) } } },
      async (request) => workflowFilesOf(ctx, request.params.projectId).list(),
    );

    app.get<{ Params: Params }>(
      '/projects/:projectId/workflows/:name',
      { schema: { tags, summary: 'One workflow as JSON', params: WorkflowParams, response: { 200: WorkflowJson, ...errorResponses(400, 404, 422) } } },
      async (request) => workflowFilesOf(ctx, request.params.projectId).read(request.params.name),
    );

    app.put<{ Params: Params; Body: Static<typeof WorkflowBodySchema> }>(
      '/projects/:projectId/workflows/:name',
      { schema: { tags, summary: 'Save a workflow (replaces one of the same name)', params: WorkflowParams, body: WorkflowBodySchema, response: { 200: WorkflowEntrySchema, ...errorResponses(400, 404) } } },
      async (request) => {
        const files = workflowFilesOf(ctx, request.params.projectId);
        await files.write(request.params.name, request.body);
        return { name: request.params.name, updatedAt: new Date().toISOString() };
      },
    );

    app.post<{ Body: Static<typeof WorkflowBodySchema> }>(
      '/workflows/upgrade',
      {
        schema: {
          tags,
          summary: 'A workflow from elsewhere (a file, a PNG) brought to the current node versions through their migrations',
          body: WorkflowBodySchema,
          response: { 200: WorkflowJson, ...errorResponses(400) },
        },
      },
      async (request) => {
        assertStorable(request.body, 'the workflow');
        return upgradeStoredWorkflow(request.body, ctx.registry);
      },
    );

    app.delete<{ Params: Params }>(
      '/projects/:projectId/workflows/:name',
      { schema: { tags, summary: 'Delete a workflow', params: WorkflowParams, response: { 204: Type.Null(), ...errorResponses(400, 404) } } },
      async (request, reply) => {
        await workflowFilesOf(ctx, request.params.projectId).remove(request.params.name);
        return reply.status(204).send();
      },
    );
  };
}
