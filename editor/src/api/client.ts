import type {
  ApiError, GalleryImage, HardwareInfo, Project, RunSummary,
} from './types.ts';
import { ApiRequestError } from '../errors.ts';
import type { Workflow } from '../workflow/types.ts';
import { apiErrorMessage, UNREACHABLE_MESSAGE } from './error-message.ts';
import { normalizeDescriptions } from './node-descriptions.ts';


async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { ...headers } };
  if (body instanceof Blob) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    throw new ApiRequestError('server_unreachable', UNREACHABLE_MESSAGE, 0, [], { cause, request: `${method} ${path}` });
  }
  const text = await response.text();
  const json: unknown = text ? safeParse(text) : undefined;
  if (!response.ok) {
    const payload = (json ?? {}) as { errors?: ApiError[]; message?: string; error?: string };
    const errors = Array.isArray(payload.errors) ? payload.errors : [];
    const message = apiErrorMessage(response.status, response.statusText, payload);
    throw new ApiRequestError('request_failed', message, response.status, errors, { request: `${method} ${path}` });
  }
  return json as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const enc = encodeURIComponent;

/** Some list routes answer with a bare array, others wrap it; accept both. */
function list<T>(value: unknown, key: string): T[] {
  if (Array.isArray(value)) return value as T[];
  const inner = (value as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(inner) ? (inner as T[]) : [];
}

export interface RunRequest {
  workflow?: Workflow;
  workflowName?: string;
  overrides?: Record<string, unknown>;
}

export const api = {
  nodes: async () => normalizeDescriptions(list(await request('GET', '/api/nodes'), 'nodes')),
  hardware: () => request<HardwareInfo>('GET', '/api/hardware'),

  projects: async () => list<Project>(await request('GET', '/api/projects'), 'projects'),
  project: (id: string) => request<Project>('GET', `/api/projects/${enc(id)}`),
  createProject: (project: Omit<Project, 'id'>) => request<Project>('POST', '/api/projects', project),

  workflows: async (projectId: string) => {
    const items = list<string | { name: string }>(await request('GET', `/api/projects/${enc(projectId)}/workflows`), 'workflows');
    return items.map((item) => (typeof item === 'string' ? item : item.name));
  },
  workflow: async (projectId: string, name: string) => {
    const body = await request<Workflow | { workflow: Workflow }>('GET', `/api/projects/${enc(projectId)}/workflows/${enc(name)}`);
    return 'workflow' in body && body.workflow ? body.workflow : (body as Workflow);
  },
  saveWorkflow: (projectId: string, name: string, workflow: Workflow) =>
    request<unknown>('PUT', `/api/projects/${enc(projectId)}/workflows/${enc(name)}`, workflow),

  queueRun: (projectId: string, run: RunRequest) =>
    request<{ id: string }>('POST', `/api/projects/${enc(projectId)}/runs`, run),
  runs: async (projectId: string) => list<RunSummary>(await request('GET', `/api/projects/${enc(projectId)}/runs`), 'runs'),
  run: (runId: string) => request<RunSummary>('GET', `/api/runs/${enc(runId)}`),
  cancelRun: (runId: string) => request<unknown>('POST', `/api/runs/${enc(runId)}/cancel`),
  interrupt: () => request<unknown>('POST', '/api/interrupt'),

  images: async (projectId: string) => list<GalleryImage | string>(await request('GET', `/api/projects/${enc(projectId)}/images`), 'images')
    .map((item) => (typeof item === 'string'
      ? { filename: item, url: `/api/projects/${enc(projectId)}/images/${enc(item)}` }
      : item)),
  upload: (projectId: string, file: File) =>
    request<{ filename: string }>('POST', `/api/projects/${enc(projectId)}/uploads?name=${enc(file.name)}`, file, {
      'content-type': file.type === 'image/jpeg' ? 'image/jpeg' : 'image/png',
    }),
};
