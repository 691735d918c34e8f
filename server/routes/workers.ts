import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { WorkersSchema } from '../schemas/workers.ts';

/** `GET /api/workers`: the live workers of `serve --redis`, with what each can run and is running. */
export function workerRoutes(ctx: ServerContext) {
  return async function registerWorkerRoutes(app: FastifyInstance): Promise<void> {
    app.get(
      '/workers',
      { schema: { tags: ['system'], summary: 'The workers taking runs, their backends, models and current runs (empty when runs execute in the server)', response: { 200: WorkersSchema } } },
      async () => (ctx.workers ? { mode: 'redis' as const, workers: ctx.workers.list() } : { mode: 'embedded' as const, workers: [] }),
    );
  };
}
