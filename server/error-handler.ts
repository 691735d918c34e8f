import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { LatentflowError, VALIDATION_CODES, type ErrorCode, type Logger } from '../runtime/index.ts';
import { ServerError } from './errors.ts';

const RUNTIME_STATUS: Partial<Record<ErrorCode, number>> = {
  bad_override: 400,
  invalid_value: 400,
  backend_unavailable: 400,
  model_not_found: 404,
  file_not_found: 404,
  path_escape: 400,
  cancelled: 409,
};

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
};

interface ErrorBody {
  code: string;
  message: string;
  nodeId?: string;
  nodeType?: string;
  input?: string;
  errors?: unknown[];
}

function runtimeStatus(error: LatentflowError): number {
  if ((VALIDATION_CODES as readonly string[]).includes(error.code)) return 400;
  return RUNTIME_STATUS[error.code] ?? 500;
}

/** The one place that turns a thrown error into an HTTP status and a `{code, message}` body. */
export function createErrorHandler(log: Logger) {
  return function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
    let status: number;
    let body: ErrorBody;
    if (error instanceof ServerError) {
      status = error.statusCode;
      body = { code: error.code, message: error.message, ...error.details };
    } else if (error instanceof LatentflowError) {
      status = runtimeStatus(error);
      body = error.toInfo();
    } else if ('validation' in error && error.validation) {
      status = 400;
      const where = error.validationContext ?? 'request';
      const errors = error.validation.map((issue) => ({
        code: 'invalid_request',
        message: `${where}${issue.instancePath || ''} ${issue.message ?? 'is invalid'}`,
      }));
      body = { code: 'invalid_request', message: error.message, errors };
    } else if ('statusCode' in error && error.statusCode !== undefined && error.statusCode < 500) {
      status = error.statusCode;
      body = { code: FASTIFY_CODES[error.code] ?? 'invalid_request', message: error.message };
    } else {
      status = 500;
      body = { code: 'internal_error', message: 'Internal server error' };
      log.error('Request failed', { method: request.method, url: request.url, error: error.stack ?? String(error) });
    }
    return reply.status(status).send(body);
  };
}
