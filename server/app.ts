import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { a1111Routes } from './a1111/routes.ts';
import { comfyImportRoute, comfyRoutes, createComfyBridge } from './comfyui/index.ts';
import type { ServerContext } from './context.ts';
import { routeNotFound } from './errors.ts';
import { createErrorHandler } from './error-handler.ts';
import { editorRoutes } from './routes/editor.ts';
import { imageRoutes } from './routes/images.ts';
import { liveRoutes } from './routes/live.ts';
import { projectRoutes } from './routes/projects.ts';
import { runRoutes } from './routes/runs.ts';
import { systemRoutes } from './routes/system.ts';
import { adapterFileRoutes } from './routes/adapter-files.ts';
import { workerRoutes } from './routes/workers.ts';
import { workflowRoutes } from './routes/workflows.ts';
import { createRequestGuard, type GuardOptions } from './security/request-guard.ts';

/** JSON bodies are workflows and small forms; uploads have their own, larger limit. */
const MAX_JSON_BODY_BYTES = 2 * 1024 * 1024;
const MAX_WEBSOCKET_MESSAGE_BYTES = 64 * 1024;

/** The fastify app: security guard and error handler first, then the API under /api and the editor at /. */
export async function buildApp(ctx: ServerContext, options: { guard: GuardOptions; editorDir: string }): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: MAX_JSON_BODY_BYTES,
    // No coercion or silent stripping: a workflow's literal 5 must not become "5", nor an unknown field vanish.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });
  // First: its onRequest hook marks upgrade requests, so a refused upgrade's socket is closed after the reply.
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_WEBSOCKET_MESSAGE_BYTES } });
  app.addHook('onRequest', createRequestGuard(options.guard));
  app.setErrorHandler(createErrorHandler(ctx.log));
  app.setNotFoundHandler((request, reply) => {
    const error = routeNotFound(request.method, request.url);
    return reply.status(error.statusCode).send({ code: error.code, message: error.message });
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'latentflow', version: ctx.version, description: 'Stable Diffusion 1.5 node-graph workflows: projects, workflows, runs, images. Live run events and previews: WebSocket GET /api/ws (docs/websocket.md).' },
      components: { securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'Needed when the server listens beyond loopback' } } },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  await app.register(
    async (api) => {
      for (const routes of [systemRoutes, adapterFileRoutes, projectRoutes, workflowRoutes, runRoutes, imageRoutes, liveRoutes, workerRoutes]) {
        await api.register(routes(ctx));
      }
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api' },
  );
  // ComfyUI clients address the server at / or /api (docs/compat.md); its WebSocket is /ws, ours stays /api/ws.
  const comfy = createComfyBridge(ctx);
  await app.register(comfyRoutes(ctx, comfy, { root: true }));
  await app.register(comfyRoutes(ctx, comfy, { root: false }), { prefix: '/api' });
  await app.register(comfyImportRoute(comfy.runs), { prefix: '/api' });
  await app.register(a1111Routes(ctx, comfy.runs), { prefix: '/sdapi/v1' });
  await app.register(editorRoutes(options.editorDir));
  return app;
}
