import type { Issue } from '../../../contract/index.ts';

/**
 * What a person reads when an API call fails: the server's own message (it names the node, input or
 * file at fault), never the method and path of the request, which mean nothing to them.
 */
export function apiErrorMessage(status: number, statusText: string, payload: { issues?: Issue[]; message?: string }): string {
  const issues = Array.isArray(payload.issues) ? payload.issues : [];
  const detail = issues[0]?.message ?? payload.message;
  if (!detail) return `The server answered ${status}${statusText ? ` ${statusText}` : ''}`;
  return issues.length > 1 ? `${detail} (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : detail;
}

export const UNREACHABLE_MESSAGE = 'The latentflow server cannot be reached: is it still running?';
