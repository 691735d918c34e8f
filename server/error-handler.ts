import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorInfo } from '../contract/index.ts';
import { LatentflowError, stableCodeOf, type Logger } from '../runtime/index.ts';
import { statusOf } from './error-status.ts';
import { ServerError } from './errors.ts';

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
};

/** A coded error of any layer (ModelFileError, ModelError, ...) as the wire's ErrorInfo. */
function infoOf(error: Error & { code: string }): ErrorInfo {
  if (error instanceof LatentflowError) return error.toInfo();
  const info: ErrorInfo = { code: error.code, message: error.message };
  const { input, issues } = error as { input?: unknown; issues?: ErrorInfo['issues'] };
  if (typeof input === 'string') info.input = input;
  if (issues !== undefined) info.issues = issues;
  return info;
}

/** The one place that turns a thrown error into an HTTP status and a `{code, message, issues?}` body. */
export function createErrorHandler(log: Logger) {
  return function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
    let status: number;
    let body: ErrorInfo;
    if ('validation' in error && error.validation) {
      status = 400;
      const where = error.validationContext ?? 'request';
      const issues = error.validation.map((issue) => ({
        code: 'invalid_request',
        message: `${where}${issue.instancePath || ''} ${issue.message ?? 'is invalid'}`,
      }));
      body = { code: 'invalid_request', message: error.message, issues };
    } else if (error instanceof ServerError || stableCodeOf(error) !== undefined) {
      const coded = error as Error & { code: string };
      status = error instanceof ServerError ? error.statusCode : statusOf(coded.code);
      body = infoOf(coded);
    } else if ('statusCode' in error && error.statusCode !== undefined && error.statusCode < 500) {
      status = error.statusCode;
      body = { code: FASTIFY_CODES[error.code] ?? 'invalid_request', message: error.message };
    } else {
      status = 500;
      body = { code: 'internal_error', message: 'Internal server error' };
    }
    if (status >= 500) log.error('Request failed', { method: request.method, url: request.url, code: body.code, error: error.stack ?? String(error) });
    return reply.status(status).send(body);
  };
}
