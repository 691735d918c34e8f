import type { ServerContext } from './context.ts';
import { backendUnavailable, projectProtected, unknownBackend } from './errors.ts';
import type { Project, ProjectChanges } from './store/projects.ts';

const DEFAULT_PROJECT_ID = 'default';

/** Refuses a backend this machine does not have or cannot use. */
function checkHardware(ctx: ServerContext, name: string): void {
  const backend = ctx.hardware.backends.find((candidate) => candidate.name === name);
  if (!backend) throw unknownBackend(name, ctx.hardware.backends.map((candidate) => candidate.name));
  if (!backend.available) throw backendUnavailable(name, backend.reason);
}

export async function createProject(
  ctx: ServerContext,
  fields: { name: string; description?: string; hardware?: string; id?: string },
): Promise<Project> {
  const hardware = fields.hardware ?? 'cpu';
  checkHardware(ctx, hardware);
  const project = ctx.projects.create({ ...fields, name: fields.name.trim(), hardware });
  await ctx.folders.ensure(project.id);
  await ctx.folders.seedWorkflows(project.id, ctx.shippedWorkflowsDir);
  return project;
}

export function updateProject(ctx: ServerContext, projectId: string, changes: ProjectChanges): Project {
  if (changes.hardware !== undefined) checkHardware(ctx, changes.hardware);
  const trimmed = changes.name === undefined ? changes : { ...changes, name: changes.name.trim() };
  return ctx.projects.update(projectId, trimmed);
}

/** Deletes a project with everything it owns: its runs (cancelled first), workflows and images. */
export async function deleteProject(ctx: ServerContext, projectId: string): Promise<void> {
  if (projectId === DEFAULT_PROJECT_ID) throw projectProtected(projectId);
  ctx.projects.get(projectId);
  await ctx.queue.cancelProject(projectId);
  ctx.projects.delete(projectId);
  await ctx.folders.remove(projectId);
}

/** The `default` project exists from the first start on. */
export async function ensureDefaultProject(ctx: ServerContext): Promise<void> {
  if (ctx.projects.find(DEFAULT_PROJECT_ID)) return;
  await createProject(ctx, { id: DEFAULT_PROJECT_ID, name: 'Default', description: 'Created on first start' });
}
