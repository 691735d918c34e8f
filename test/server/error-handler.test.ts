import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { LatentflowError, silentLogger, type Logger } from '../../runtime/index.ts';
import { createErrorHandler } from '../../server/error-handler.ts';
import { invalidWorkflow, projectNotFound } from '../../server/errors.ts';
import { ModelFileError } from '../../models/checkpoint/index.ts';
import { unknownSampler } from '../../models/errors.ts';

async function answerTo(error: Error, log: Logger = silentLogger) {
  const app = Fastify();
  app.setErrorHandler(createErrorHandler(log));
  app.get('/', async () => {
    throw error;
  });
  const response = await app.inject({ url: '/' });
  await app.close();
  return { status: response.statusCode, body: response.json() };
}

describe('the error handler', () => {
  it('answers a server error with its own status, code and details', async () => {
    expect(await answerTo(projectNotFound('p'))).toEqual({ status: 404, body: { code: 'project_not_found', message: 'No project with id "p"' } });
    const issues = [{ code: 'cycle', nodeId: 'a', message: 'loop' }];
    expect(await answerTo(invalidWorkflow(issues))).toEqual({ status: 400, body: { code: 'invalid_workflow', message: 'The workflow is invalid', issues } });
  });

  it.each([
    ['missing_input', 400],
    ['bad_override', 400],
    ['backend_unavailable', 400],
    ['cancelled', 409],
    ['plugin_load_failed', 500],
    ['node_failed', 500],
  ] as const)('maps the runtime code %s to HTTP %i, keeping the code and the node at fault', async (code, status) => {
    const answer = await answerTo(new LatentflowError(code, 'went wrong', { nodeId: 'unet', nodeType: 'UNetStep', input: 'cfg' }));
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ code, message: 'went wrong', nodeId: 'unet', nodeType: 'UNetStep', input: 'cfg' });
  });

  it.each([
    [new ModelFileError('checkpoint_corrupt', 'model.ckpt is damaged', { path: 'model.ckpt' }), 400, { code: 'checkpoint_corrupt', message: 'model.ckpt is damaged' }],
    [unknownSampler('x', ['euler']), 400, { code: 'unknown_sampler', message: 'Unknown sampler "x"; samplers are euler', input: 'sampler' }],
    [new LatentflowError('output_write_failed', 'disk full'), 500, { code: 'output_write_failed', message: 'disk full' }],
  ] as const)('answers another layer\'s coded error by the status table: %s', async (error, status, body) => {
    expect(await answerTo(error)).toEqual({ status, body });
  });

  it('hides the details of an unexpected error from the client but logs them', async () => {
    const logged: Record<string, unknown>[] = [];
    const log = { ...silentLogger, error: (_message: string, data?: Record<string, unknown>) => void logged.push(data ?? {}) };
    const answer = await answerTo(new Error('secret path /etc/x'), log);
    expect(answer).toEqual({ status: 500, body: { code: 'internal_error', message: 'Internal server error' } });
    expect(String(logged[0].error)).toContain('secret path /etc/x');
  });
});
