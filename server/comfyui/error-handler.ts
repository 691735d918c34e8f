import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { stableCodeOf, type Logger } from '../../runtime/index.ts';
import { statusOf } from '../error-status.ts';
import { comfyError, ComfyRequestError } from './node-errors.ts';

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_prompt',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_prompt',
};

/** Errors of the ComfyUI routes in ComfyUI's shape, `{error: {type, message, details, extra_info}, node_errors}`. */
export function createComfyErrorHandler(log: Logger) {
  return function handleComfyError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
    if (error instanceof ComfyRequestError) return reply.status(error.statusCode).send(error.body());
    let status: number;
    let type: string;
    if ('validation' in error && error.validation) {
      status = 400;
      type = 'invalid_prompt';
    } else if (stableCodeOf(error) !== undefined) {
      type = stableCodeOf(error) as string;
      status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : statusOf(type);
    } else if ('statusCode' in error && error.statusCode !== undefined && error.statusCode < 500) {
      status = error.statusCode;
      type = FASTIFY_CODES[error.code] ?? 'invalid_request';
    } else {
      log.error('ComfyUI API request failed', { method: request.method, url: request.url, error: error.stack ?? String(error) });
      return reply.status(500).send({ error: comfyError('internal_error', 'Internal server error'), node_errors: {} });
    }
    return reply.status(status).send({ error: comfyError(type, error.message), node_errors: {} });
  };
}
