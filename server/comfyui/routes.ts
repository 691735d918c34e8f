import crypto from 'node:crypto';
import os from 'node:os';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.ts';
import { CompatError } from '../compat-errors.ts';
import { maskedOriginal, readUploadForm, storeUpload, viewFile } from './comfy-files.ts';
import type { ComfyRuns } from './comfy-runs.ts';
import type { ComfySockets } from './comfy-socket.ts';
import { createComfyErrorHandler } from './error-handler.ts';
import { objectInfo } from './object-info.ts';
import { EMBEDDING_DIR, listAdapterFiles } from '../../models/adapters/index.ts';

const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const tags = ['comfyui'];

const PromptBody = Type.Object(
  {
    prompt: Type.Unknown({ description: 'The workflow in ComfyUI\'s API format' }),
    client_id: Type.Optional(Type.String()),
    extra_data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    front: Type.Optional(Type.Boolean()),
    number: Type.Optional(Type.Number()),
  },
  { required: ['prompt'] },
);
const ListAction = Type.Object({ clear: Type.Optional(Type.Boolean()), delete: Type.Optional(Type.Array(Type.String(), { maxItems: 10000 })) });
const HistoryQuery = Type.Object({ max_items: Type.Optional(Type.String({ pattern: '^[0-9]{1,6}$' })) });
const ViewQuery = Type.Object({ filename: Type.String({ minLength: 1 }), subfolder: Type.Optional(Type.String()), type: Type.Optional(Type.String()) });
const ClassParams = Type.Object({ className: Type.String() });
const FolderParams = Type.Object({ folder: Type.String() });
const DEFAULT_HISTORY_ITEMS = 200;

export interface ComfyBridge {
  runs: ComfyRuns;
  sockets: ComfySockets;
}

/**
 * ComfyUI's HTTP API (and, at the root, its WebSocket) over latentflow's one queue, validator and executor.
 * Registered twice, at `/` and under `/api`; under `/api` latentflow's own /api/ws and /api/interrupt stay.
 */
export function comfyRoutes(ctx: ServerContext, bridge: ComfyBridge, options: { root: boolean }) {
  const { runs, sockets } = bridge;
  return async function registerComfyRoutes(app: FastifyInstance): Promise<void> {
    app.setErrorHandler(createComfyErrorHandler(ctx.log));
    app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_request, body, done) => done(null, body));

    app.post<{ Body: Static<typeof PromptBody> }>('/prompt', { schema: { tags, summary: 'Queue a ComfyUI API-format prompt', body: PromptBody } }, async (request) =>
      runs.queuePrompt(request.body),
    );
    app.get('/prompt', { schema: { tags, summary: 'Queue status' } }, async () => ({ exec_info: { queue_remaining: runs.queueRemaining() } }));
    app.get('/queue', { schema: { tags, summary: 'Running and pending ComfyUI prompts' } }, async () => runs.queue());
    app.post<{ Body: Static<typeof ListAction> }>('/queue', { schema: { tags, summary: 'Cancel pending prompts: {clear: true} or {delete: [ids]}', body: ListAction } }, async (request) => {
      if (request.body.clear) runs.dropFromQueue('all');
      if (request.body.delete) runs.dropFromQueue(request.body.delete);
      return {};
    });
    app.get<{ Querystring: Static<typeof HistoryQuery> }>('/history', { schema: { tags, summary: 'Finished ComfyUI prompts, newest first', querystring: HistoryQuery } }, async (request) =>
      runs.history(request.query.max_items === undefined ? DEFAULT_HISTORY_ITEMS : Number(request.query.max_items)),
    );
    app.get<{ Params: { promptId: string } }>('/history/:promptId', { schema: { tags, summary: 'One finished prompt' } }, async (request) =>
      runs.history(1, request.params.promptId),
    );
    app.post<{ Body: Static<typeof ListAction> }>('/history', { schema: { tags, summary: 'Leave prompts out of /history (latentflow keeps its run history)', body: ListAction } }, async (request) => {
      if (request.body.clear) runs.hideFromHistory('all');
      if (request.body.delete) runs.hideFromHistory(request.body.delete);
      return {};
    });
    app.get<{ Querystring: Static<typeof ViewQuery> }>('/view', { schema: { tags, summary: 'An output, input or temp image', querystring: ViewQuery } }, async (request, reply) => {
      const { mime, bytes } = await viewFile(ctx, request.query);
      return reply.type(mime).send(bytes);
    });
    for (const kind of ['image', 'mask']) {
      app.post(`/upload/${kind}`, { bodyLimit: MAX_UPLOAD_BYTES, schema: { tags, summary: `Upload an ${kind} (multipart field "image") into the input folder` } }, async (request) => {
        const contentType = request.headers['content-type'] ?? '';
        if (!Buffer.isBuffer(request.body) || !contentType.startsWith('multipart/form-data')) {
          throw new CompatError('comfy_malformed_upload', 'Upload with Content-Type multipart/form-data and a file field "image"');
        }
        const upload = await readUploadForm(request.body, contentType);
        return storeUpload(ctx, kind === 'mask' ? await maskedOriginal(ctx, upload) : upload);
      });
    }
    app.get('/object_info', { schema: { tags, summary: 'The ComfyUI classes latentflow runs' } }, async () => objectInfo(runs.environment()));
    app.get<{ Params: Static<typeof ClassParams> }>('/object_info/:className', { schema: { tags, summary: 'One class', params: ClassParams } }, async (request) =>
      objectInfo(runs.environment(), request.params.className),
    );
    app.get('/system_stats', { schema: { tags, summary: 'System and device' } }, async () => systemStats(ctx));
    app.get('/embeddings', { schema: { tags, summary: 'Textual-inversion embeddings in data/embeddings/, by name' } }, async () =>
      listAdapterFiles(ctx.dataDir, EMBEDDING_DIR).map((file) => file.name),
    );
    app.get('/extensions', { schema: { tags, summary: 'Frontend extensions (none)' } }, async () => []);
    const modelFolders: Record<string, () => string[]> = {
      checkpoints: () => runs.environment().checkpoints,
      vae: () => runs.environment().vaes,
      upscale_models: () => runs.environment().upscaleModels,
      controlnet: () => runs.environment().controlNets,
    };
    app.get('/models', { schema: { tags, summary: 'Model folders' } }, async () => Object.keys(modelFolders));
    app.get<{ Params: Static<typeof FolderParams> }>('/models/:folder', { schema: { tags, summary: 'Model files of one folder', params: FolderParams } }, async (request) => {
      const folder = request.params.folder;
      if (Object.hasOwn(modelFolders, folder)) return modelFolders[folder]();
      throw new CompatError('comfy_unknown_model_folder', `No model folder "${folder}"; latentflow has: ${Object.keys(modelFolders).join(', ')}`);
    });

    if (!options.root) return;
    app.post('/interrupt', { schema: { tags, summary: 'Stop the running prompt' } }, async () => {
      ctx.queue.interrupt();
      return {};
    });
    app.get<{ Querystring: { clientId?: string } }>('/ws', { websocket: true, schema: { tags, summary: 'ComfyUI\'s WebSocket: status, executing, progress, executed, ... and binary previews' } }, (socket, request) => {
      const clientId = typeof request.query.clientId === 'string' && request.query.clientId !== '' ? request.query.clientId : crypto.randomUUID().replaceAll('-', '');
      sockets.add(socket, clientId);
    });
    app.addHook('onClose', async () => sockets.closeAll());
  };
}

function systemStats(ctx: ServerContext) {
  return {
    system: {
      os: process.platform,
      ram_total: ctx.hardware.memoryBytes,
      ram_free: os.freemem(),
      comfyui_version: `latentflow ${ctx.version}`,
      python_version: 'none (latentflow runs on Node.js ' + process.version + ')',
      pytorch_version: 'none (onnxruntime)',
      embedded_python: false,
      argv: [],
    },
    devices: [
      { name: ctx.hardware.cpu.model, type: 'cpu', index: 0, vram_total: 0, vram_free: 0, torch_vram_total: 0, torch_vram_free: 0 },
      ...ctx.hardware.gpus.map((gpu, index) => ({
        name: gpu.name,
        type: 'cuda',
        index,
        vram_total: gpu.memoryBytes ?? 0,
        vram_free: gpu.memoryBytes ?? 0,
        torch_vram_total: 0,
        torch_vram_free: 0,
      })),
    ],
  };
}
