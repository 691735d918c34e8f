import type {
  ApiError, GalleryImage, HardwareInfo, NodeDescription, Project, RunSummary, WorkerList,
} from './types.ts';
import { ApiRequestError } from '../errors.ts';
import type { Workflow } from '../workflow/types.ts';
import { apiErrorMessage, UNREACHABLE_MESSAGE } from './error-message.ts';


/** Sends one API request; a failed one (unreachable, or not 2xx) is thrown with the server's message and issues. */
async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
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
  if (!response.ok) {
    const text = await response.text();
    const payload = ((text ? safeParse(text) : undefined) ?? {}) as Partial<ApiError>;
    const issues = Array.isArray(payload.issues) ? payload.issues : [];
    throw new ApiRequestError('request_failed', apiErrorMessage(response.status, response.statusText, payload), response.status, issues, {
      request: `${method} ${path}`,
    });
  }
  return response;
}

async function request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const text = await (await send(method, path, body, headers)).text();
  return (text ? safeParse(text) : undefined) as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const enc = encodeURIComponent;

/** A LoRA or embedding file the server lists. */
export interface AdapterFile {
  name: string;
  file: string;
  bytes: number;
}

export interface RunRequest {
  workflow?: Workflow;
  workflowName?: string;
  overrides?: Record<string, unknown>;
}

export const api = {
  nodes: () => request<NodeDescription[]>('GET', '/api/nodes'),
  hardware: () => request<HardwareInfo>('GET', '/api/hardware'),
  adapters: () => request<{ loras: AdapterFile[]; embeddings: AdapterFile[] }>('GET', '/api/adapters'),

  projects: () => request<Project[]>('GET', '/api/projects'),
  project: (id: string) => request<Project>('GET', `/api/projects/${enc(id)}`),
  createProject: (project: Omit<Project, 'id'>) => request<Project>('POST', '/api/projects', project),

  workflows: async (projectId: string) =>
    (await request<{ name: string }[]>('GET', `/api/projects/${enc(projectId)}/workflows`)).map((item) => item.name),
  workflow: (projectId: string, name: string) => request<Workflow>('GET', `/api/projects/${enc(projectId)}/workflows/${enc(name)}`),
  /** The workflow at the node versions the server runs (an imported file or PNG may be older). */
  upgradeWorkflow: (workflow: Workflow) => request<Workflow>('POST', '/api/workflows/upgrade', workflow),
  saveWorkflow: (projectId: string, name: string, workflow: Workflow) =>
    request<unknown>('PUT', `/api/projects/${enc(projectId)}/workflows/${enc(name)}`, workflow),

  queueRun: (projectId: string, run: RunRequest) =>
    request<{ id: string }>('POST', `/api/projects/${enc(projectId)}/runs`, run),
  runs: (projectId: string) => request<RunSummary[]>('GET', `/api/projects/${enc(projectId)}/runs`),
  run: (runId: string) => request<RunSummary>('GET', `/api/runs/${enc(runId)}`),
  /** A ComfyUI workflow (API or UI format) converted by the server's one converter. */
  importComfyWorkflow: async (workflow: unknown) =>
    (await request<{ workflow: Workflow }>('POST', '/api/comfyui/import', { workflow })).workflow,
  cancelRun: (runId: string) => request<unknown>('POST', `/api/runs/${enc(runId)}/cancel`),
  interrupt: () => request<unknown>('POST', '/api/interrupt'),
  workers: () => request<WorkerList>('GET', '/api/workers'),

  images: (projectId: string) => request<GalleryImage[]>('GET', `/api/projects/${enc(projectId)}/images`),
  /** An image LoadImage reads by `name`: the project's upload, else a shipped example image. */
  inputImage: async (projectId: string, name: string) =>
    (await send('GET', `/api/projects/${enc(projectId)}/uploads/${name.split('/').map(enc).join('/')}`)).blob(),
  upload: (projectId: string, file: File) =>
    request<{ filename: string }>('POST', `/api/projects/${enc(projectId)}/uploads?name=${enc(file.name)}`, file, {
      'content-type': file.type === 'image/jpeg' ? 'image/jpeg' : 'image/png',
    }),
};
