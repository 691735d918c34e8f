import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';

/** `GET /api/ws`: run events as JSON text frames, previews and latents as binary frames (docs/websocket.md). */
export function liveRoutes(ctx: ServerContext) {
  return async function registerLiveRoutes(app: FastifyInstance): Promise<void> {
    app.get('/ws', { websocket: true, schema: { tags: ['live'], summary: 'WebSocket stream of run events and previews; see docs/websocket.md' } }, (socket) => {
      ctx.hub.add(socket);
    });
  };
}
