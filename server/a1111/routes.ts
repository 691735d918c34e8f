import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { availableLabels, availableSchedulers } from '../../compat/a1111/sampling.ts';
import { modelForCheckpoint } from '../../compat/comfyui/model-names.ts';
import type { ComfyRuns } from '../comfyui/comfy-runs.ts';
import type { ServerContext } from '../context.ts';
import { CompatError } from '../compat-errors.ts';
import { generate } from './generate.ts';
import { A1111Jobs } from './jobs.ts';
import { A1111OptionsFile } from './options.ts';
import { GenerationBody, OptionsBody } from './schemas.ts';
import { EMBEDDING_DIR, listAdapterFiles, LORA_DIR } from '../../models/adapters/index.ts';

const tags = ['a1111'];
/** init_images arrive base64 in the JSON body. */
const MAX_GENERATION_BODY_BYTES = 40 * 1024 * 1024;

/** AUTOMATIC1111's /sdapi/v1 over latentflow's queue, validator and executor. */
export function a1111Routes(ctx: ServerContext, comfy: ComfyRuns) {
  const jobs = new A1111Jobs(ctx);
  ctx.hub.observe(jobs);
  const options = A1111OptionsFile.in(ctx.dataDir);
  const deps = { ctx, jobs, options, comfy };
  const available = () => {
    const env = comfy.environment();
    return { env, samplers: env.choices('Scheduler', 'sampler'), schedules: env.choices('Scheduler', 'schedule') };
  };

  return async function registerA1111Routes(app: FastifyInstance): Promise<void> {
    for (const mode of ['txt2img', 'img2img'] as const) {
      app.post<{ Body: Static<typeof GenerationBody> }>(
        `/${mode}`,
        { bodyLimit: MAX_GENERATION_BODY_BYTES, schema: { tags, summary: `A1111 ${mode}: one run per image on the shared queue`, body: GenerationBody } },
        async (request) => generate(deps, request.body, mode),
      );
    }
    app.get('/progress', { schema: { tags, summary: 'Progress of the A1111 request being generated' } }, async () => jobs.progress());
    app.post('/interrupt', { schema: { tags, summary: 'Stop the A1111 requests in progress' } }, async () => {
      jobs.interrupt();
      return {};
    });
    app.get('/sd-models', { schema: { tags, summary: 'Installed checkpoints and model folders' } }, async () =>
      available().env.checkpoints.map((title) => ({ title, model_name: modelForCheckpoint(title, [title]), hash: null, sha256: null, filename: title, config: null })),
    );
    app.get('/samplers', { schema: { tags, summary: 'A1111 sampler labels latentflow runs' } }, async () =>
      availableLabels(available()).map((label) => ({ ...label, options: {} })),
    );
    app.get('/schedulers', { schema: { tags, summary: 'A1111 scheduler choices latentflow runs' } }, async () =>
      availableSchedulers(available()).map((scheduler) => ({ ...scheduler, aliases: null, default_rho: -1, need_inner_model: false })),
    );
    app.get('/loras', { schema: { tags, summary: 'LoRAs in data/loras/' } }, async () =>
      listAdapterFiles(ctx.dataDir, LORA_DIR).map(({ name, path }) => ({ name, alias: name, path, metadata: {} })),
    );
    app.get('/embeddings', { schema: { tags, summary: 'Textual-inversion embeddings in data/embeddings/ (not read here: shape and vectors unknown)' } }, async () => ({
      loaded: Object.fromEntries(listAdapterFiles(ctx.dataDir, EMBEDDING_DIR).map(({ name }) => [name, { step: null, sd_checkpoint: null, sd_checkpoint_name: null, shape: null, vectors: null }])),
      skipped: {},
    }));
    app.get('/options', { schema: { tags, summary: 'The options latentflow honours' } }, async () => ({ ...options.get(), samples_format: 'png' }));
    app.post<{ Body: Static<typeof OptionsBody> }>('/options', { schema: { tags, summary: 'Set sd_model_checkpoint and CLIP_stop_at_last_layers; other options are ignored', body: OptionsBody } }, async (request) => {
      const changes: { sd_model_checkpoint?: string; CLIP_stop_at_last_layers?: number } = {};
      const { sd_model_checkpoint: checkpoint, CLIP_stop_at_last_layers: clipSkip } = request.body;
      if (checkpoint !== undefined) {
        const title = String(checkpoint).replace(/\s*\[[0-9a-f]{8,}\]$/i, '');
        if (modelForCheckpoint(title, available().env.checkpoints) === undefined) throw new CompatError('a1111_unknown_model', `sd_model_checkpoint "${title}" is not installed`);
        changes.sd_model_checkpoint = title;
      }
      if (clipSkip !== undefined) {
        if (clipSkip !== 1 && clipSkip !== 2) throw new CompatError('a1111_unsupported_clip_skip', `CLIP_stop_at_last_layers ${String(clipSkip)}: latentflow gives 1 or 2`);
        changes.CLIP_stop_at_last_layers = clipSkip;
      }
      await options.set(changes);
      return null;
    });
  };
}
