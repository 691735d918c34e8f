import type { ApiError } from './types.ts';

/**
 * What a person reads when an API call fails: the server's own message (it names the node, input or
 * file at fault), never the method and path of the request, which mean nothing to them.
 */
export function apiErrorMessage(status: number, statusText: string, payload: { errors?: ApiError[]; message?: string; error?: string }): string {
  const errors = Array.isArray(payload.errors) ? payload.errors : [];
  const detail = errors[0]?.message ?? payload.message ?? payload.error;
  if (!detail) return `The server answered ${status}${statusText ? ` ${statusText}` : ''}`;
  return errors.length > 1 ? `${detail} (and ${errors.length - 1} more problem${errors.length > 2 ? 's' : ''})` : detail;
}

export const UNREACHABLE_MESSAGE = 'The latentflow server cannot be reached: is it still running?';
