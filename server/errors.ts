import type { Issue } from '../contract/index.ts';
import { LatentflowError } from '../runtime/index.ts';

/** Every failure the server raises itself, with its HTTP status. Other layers' codes map in error-status.ts. */
export const SERVER_STATUS = {
  invalid_request: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  internal_error: 500,
  route_not_found: 404,
  /** A WebSocket message the hub cannot read (sent as a `{type: 'error'}` message, not an HTTP status). */
  bad_message: 400,
  project_not_found: 404,
  run_not_found: 404,
  workflow_not_found: 404,
  workflow_file_invalid: 422,
  image_not_found: 404,
  duplicate_project_name: 409,
  project_protected: 409,
  unknown_backend: 400,
  invalid_name: 400,
  run_not_cancellable: 409,
  invalid_image: 400,
  upload_name_taken: 409,
  unauthorized: 401,
  forbidden_host: 403,
  forbidden_origin: 403,
  // serve --redis (server/scale/)
  queue_unavailable: 503,
  no_worker_available: 503,
  run_lost: 500,
} as const;

export type ServerCode = keyof typeof SERVER_STATUS;
export const SERVER_CODES = Object.keys(SERVER_STATUS) as ServerCode[];

/** Errors the server raises itself. Each has a stable `code` and the HTTP status it maps to. */
export class ServerError extends Error {
  readonly code: string;
  readonly statusCode: number;
  constructor(code: ServerCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServerError';
    this.code = code;
    this.statusCode = SERVER_STATUS[code];
  }
}


export const invalidRequest = (message: string) => new ServerError('invalid_request', message);

export const uploadNameTaken = (wanted: string) =>
  new ServerError('upload_name_taken', `Too many uploads named "${wanted}"; choose another name`);

export const unsupportedMediaType = (message: string) => new ServerError('unsupported_media_type', message);

export const routeNotFound = (method: string, url: string) =>
  new ServerError('route_not_found', `No route for ${method} ${url.split('?')[0]}`);

export const projectNotFound = (projectId: string) =>
  new ServerError('project_not_found', `No project with id "${projectId}"`);

export const runNotFound = (runId: string) => new ServerError('run_not_found', `No run with id "${runId}"`);

export const workflowNotFound = (projectId: string, name: string) =>
  new ServerError('workflow_not_found', `Project "${projectId}" has no workflow named "${name}"`);

export const workflowFileInvalid = (projectId: string, name: string, cause: unknown) =>
  new ServerError('workflow_file_invalid', `Workflow "${name}" of project "${projectId}" is not valid JSON: ${(cause as Error).message}`, { cause });

export const imageNotFound = (filename: string) => new ServerError('image_not_found', `No image named "${filename}"`);

export const duplicateProjectName = (name: string) =>
  new ServerError('duplicate_project_name', `A project named "${name}" already exists; choose another name`);

export const projectProtected = (projectId: string) =>
  new ServerError('project_protected', `The "${projectId}" project cannot be deleted`);

export const unknownBackend = (name: string, known: string[]) =>
  new ServerError('unknown_backend', `Unknown hardware backend "${name}"; this machine knows: ${known.join(', ')}`);

/** The runtime's `backend_unavailable`: the same failure, whether a run or a project setting meets it. */
export const backendUnavailable = (name: string, reason: string | undefined) =>
  new LatentflowError('backend_unavailable', `Backend "${name}" is not available on this machine${reason ? `: ${reason}` : ''}`);

export const invalidName = (what: string, name: string, rule: string) =>
  new ServerError('invalid_name', `Invalid ${what} "${name}": ${rule}`);

/** The runtime's `invalid_workflow` (400), with every problem in `issues`. */
export const invalidWorkflow = (issues: Issue[], message = 'The workflow is invalid') =>
  new LatentflowError('invalid_workflow', message, { issues });

export const runNotCancellable = (runId: string, status: string) =>
  new ServerError('run_not_cancellable', `Run "${runId}" is ${status}; only queued or running runs can be cancelled`);

export const invalidImage = (message: string) => new ServerError('invalid_image', message);

export const imageTooLarge = (message: string) => new ServerError('payload_too_large', message);

export const unauthorized = () =>
  new ServerError('unauthorized', 'An access token is required: send "Authorization: Bearer <token>" or open the URL with ?token=<token>');

export const forbiddenHost = (host: string) =>
  new ServerError('forbidden_host', `Host "${host}" is not this server's address`);

export const forbiddenOrigin = (origin: string) =>
  new ServerError('forbidden_origin', `Requests that change state must come from this server's own origin, not "${origin}"`);

export const queueUnavailable = (reason: string) =>
  new ServerError('queue_unavailable', `Runs cannot be queued now: the run queue (Redis) is unreachable (${reason}); history stays readable`);

export const noWorkerAvailable = (needs: string, workers: number) =>
  new ServerError(
    'no_worker_available',
    workers === 0
      ? `No worker is connected, so nothing can run ${needs}; start one with "latentflow worker --redis <url>"`
      : `None of the ${workers} live worker(s) has ${needs}; see GET /api/workers for what each has`,
  );

export const runLost = (runId: string, reason: string) =>
  new ServerError('run_lost', `Run "${runId}" was given up by the worker queue: ${reason}`);
