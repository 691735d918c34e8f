import type { Executor } from '../runtime/index.ts';

const MAX_EXECUTORS = 4;

/**
 * One caching executor per project and hardware, shared by all of that project's runs. The executor's
 * cache key covers a node's inputs but not the run environment, so a shared cache would hand project B
 * project A's SaveImage result (a file in A's folder) or a model loaded for A's backend. The least
 * recently used executors (and their caches) go first.
 */
export class ExecutorPool {
  private readonly executors = new Map<string, Executor>();

  constructor(private readonly create: () => Executor) {}

  for(projectId: string, hardware: string): Executor {
    const key = JSON.stringify([projectId, hardware]);
    const executor = this.executors.get(key) ?? this.create();
    this.executors.delete(key);
    this.executors.set(key, executor);
    if (this.executors.size > MAX_EXECUTORS) this.executors.delete(this.executors.keys().next().value as string);
    return executor;
  }
}
