import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { createProject, deleteProject, updateProject } from '../project-service.ts';
import { errorResponses, ProjectParams } from '../schemas/common.ts';
import { CreateProjectBody, ProjectSchema, UpdateProjectBody } from '../schemas/projects.ts';

type Params = Static<typeof ProjectParams>;
const tags = ['projects'];

/** Projects: create (unique name, hardware this machine has), list, read, update, delete. */
export function projectRoutes(ctx: ServerContext) {
  return async function registerProjectRoutes(app: FastifyInstance): Promise<void> {
    app.get('/projects', { schema: { tags, summary: 'All projects', response: { 200: Type.Array(ProjectSchema) } } }, async () => ctx.projects.list());

    app.post<{ Body: Static<typeof CreateProjectBody> }>(
      '/projects',
      { schema: { tags, summary: 'Create a project with copies of the shipped workflows', body: CreateProjectBody, response: { 201: ProjectSchema, ...errorResponses(400, 409) } } },
      async (request, reply) => reply.status(201).send(await createProject(ctx, request.body)),
    );

    app.get<{ Params: Params }>(
      '/projects/:projectId',
      { schema: { tags, summary: 'One project', params: ProjectParams, response: { 200: ProjectSchema, ...errorResponses(404) } } },
      async (request) => ctx.projects.get(request.params.projectId),
    );

    app.patch<{ Params: Params; Body: Static<typeof UpdateProjectBody> }>(
      '/projects/:projectId',
      { schema: { tags, summary: 'Rename, describe or move a project to other hardware', params: ProjectParams, body: UpdateProjectBody, response: { 200: ProjectSchema, ...errorResponses(400, 404, 409) } } },
      async (request) => updateProject(ctx, request.params.projectId, request.body),
    );

    app.delete<{ Params: Params }>(
      '/projects/:projectId',
      { schema: { tags, summary: 'Delete a project with its workflows, runs and images', params: ProjectParams, response: { 204: Type.Null(), ...errorResponses(404, 409) } } },
      async (request, reply) => {
        await deleteProject(ctx, request.params.projectId);
        return reply.status(204).send();
      },
    );
  };
}
