import type { ServerContext } from '../context.ts';
import { comfyTempDir } from './comfy-files.ts';
import { ComfyRuns } from './comfy-runs.ts';
import { ComfySockets } from './comfy-socket.ts';
import type { ComfyBridge } from './routes.ts';

export { comfyRoutes } from './routes.ts';
export { comfyImportRoute } from './import-route.ts';
export type { ComfyBridge } from './routes.ts';

/** The ComfyUI side of one server: its runs on the shared queue, and its WebSocket clients hearing the hub. */
export function createComfyBridge(ctx: ServerContext): ComfyBridge {
  const runs = new ComfyRuns(ctx);
  const sockets = new ComfySockets(runs, comfyTempDir(ctx));
  ctx.hub.observe(sockets);
  return { runs, sockets };
}
