import { isLink, type Workflow } from '../../runtime/index.ts';
import type { WorkerInfo } from './protocol.ts';

/** What a worker must have to take a run. */
export interface RunNeeds {
  backends: string[];
  /** Model names; with a hash when the server has its own copy to compare against. */
  models: { name: string; hash?: string }[];
}

/**
 * Reads a run's needs from its LoadModel nodes: the backend each runs on (`default` is the project's
 * hardware) and the model it names (`auto` takes whatever the worker has, so it names none).
 */
export function needsOf(workflow: Workflow, projectBackend: string, localHash: (model: string) => string | undefined): RunNeeds {
  const backends = new Set<string>([projectBackend]);
  const models = new Map<string, { name: string; hash?: string }>();
  for (const node of Object.values(workflow.nodes)) {
    if (node.type !== 'LoadModel') continue;
    const { model, backend } = node.inputs ?? {};
    if (typeof backend === 'string' && backend !== 'default' && !isLink(backend)) backends.add(backend);
    if (typeof model === 'string' && model !== 'auto' && !models.has(model)) {
      const hash = localHash(model);
      models.set(model, hash === undefined ? { name: model } : { name: model, hash });
    }
  }
  return { backends: [...backends].sort(), models: [...models.values()] };
}

export function canTake(worker: WorkerInfo, needs: RunNeeds): boolean {
  return (
    needs.backends.every((backend) => worker.backends.includes(backend)) &&
    needs.models.every((need) => worker.models.some((model) => model.name === need.name && (need.hash === undefined || model.hash === need.hash)))
  );
}

export function describeNeeds(needs: RunNeeds): string {
  const models = needs.models.map((model) => (model.hash ? `${model.name} (sha256 ${model.hash.slice(0, 12)}…)` : model.name));
  return `backend ${needs.backends.join(' + ')}${models.length > 0 ? ` and model ${models.join(', ')}` : ''}`;
}
