import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ComfyConversionError, toLatentflowWorkflow } from '../../compat/comfyui/index.ts';
import { CompatError } from '../compat-errors.ts';
import { errorResponses } from '../schemas/common.ts';
import type { ComfyRuns } from './comfy-runs.ts';

const ImportBody = Type.Object({ workflow: Type.Unknown({ description: 'A ComfyUI workflow, API or UI format' }) }, { required: ['workflow'] });

/** `POST /api/comfyui/import`: the editor's import boundary hands ComfyUI documents to the one converter here. */
export function comfyImportRoute(runs: ComfyRuns) {
  return async function registerComfyImport(app: FastifyInstance): Promise<void> {
    app.post<{ Body: Static<typeof ImportBody> }>(
      '/comfyui/import',
      { schema: { tags: ['workflows'], summary: 'Convert a ComfyUI workflow (API or UI format) into a latentflow workflow', body: ImportBody, response: errorResponses(400) } },
      async (request) => {
        try {
          const { workflow, format } = toLatentflowWorkflow(request.body.workflow, runs.environment());
          return { workflow, format };
        } catch (error) {
          if (!(error instanceof ComfyConversionError)) throw error;
          const errors = error.issues.map(({ code, message, nodeId, input }) => ({ code, message, ...(nodeId ? { nodeId } : {}), ...(input ? { input } : {}) }));
          throw new CompatError('comfy_conversion_failed', `The ComfyUI workflow cannot be converted: ${error.message}`, { issues: errors });
        }
      },
    );
  };
}
