/** Errors the server raises itself. Each has a stable `code` and the HTTP status it maps to. */
export class ServerError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly details?: Record<string, unknown>;

  constructor(code: string, statusCode: number, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServerError';
    this.code = code;
    this.statusCode = statusCode;
    if (options.details) this.details = options.details;
  }
}

export const projectNotFound = (projectId: string) =>
  new ServerError('project_not_found', 404, `No project with id "${projectId}"`);

export const runNotFound = (runId: string) => new ServerError('run_not_found', 404, `No run with id "${runId}"`);

export const workflowNotFound = (projectId: string, name: string) =>
  new ServerError('workflow_not_found', 404, `Project "${projectId}" has no workflow named "${name}"`);

export const workflowFileInvalid = (projectId: string, name: string, cause: unknown) =>
  new ServerError('workflow_file_invalid', 422, `Workflow "${name}" of project "${projectId}" is not valid JSON: ${(cause as Error).message}`, { cause });

export const imageNotFound = (filename: string) => new ServerError('image_not_found', 404, `No image named "${filename}"`);

export const duplicateProjectName = (name: string) =>
  new ServerError('duplicate_project_name', 409, `A project named "${name}" already exists; choose another name`);

export const projectProtected = (projectId: string) =>
  new ServerError('project_protected', 409, `The "${projectId}" project cannot be deleted`);

export const unknownBackend = (name: string, known: string[]) =>
  new ServerError('unknown_backend', 400, `Unknown hardware backend "${name}"; this machine knows: ${known.join(', ')}`);

export const backendUnavailable = (name: string, reason: string | undefined) =>
  new ServerError('backend_unavailable', 400, `Backend "${name}" is not available on this machine${reason ? `: ${reason}` : ''}`);

export const invalidName = (what: string, name: string, rule: string) =>
  new ServerError('invalid_name', 400, `Invalid ${what} "${name}": ${rule}`);

export const invalidWorkflow = (errors: unknown[], message = 'The workflow is invalid') =>
  new ServerError('invalid_workflow', 400, message, { details: { errors } });

export const runNotCancellable = (runId: string, status: string) =>
  new ServerError('run_not_cancellable', 409, `Run "${runId}" is ${status}; only queued or running runs can be cancelled`);

export const invalidImage = (message: string) => new ServerError('invalid_image', 400, message);

export const imageTooLarge = (message: string) => new ServerError('payload_too_large', 413, message);

export const unauthorized = () =>
  new ServerError('unauthorized', 401, 'An access token is required: send "Authorization: Bearer <token>" or open the URL with ?token=<token>');

export const forbiddenHost = (host: string) =>
  new ServerError('forbidden_host', 403, `Host "${host}" is not this server's address`);

export const forbiddenOrigin = (origin: string) =>
  new ServerError('forbidden_origin', 403, `Requests that change state must come from this server's own origin, not "${origin}"`);
