/** Per-target queue: conversions into the same folder run one after another within a process. */
const queues = new Map<string, Promise<unknown>>();

export function withTargetLock<T>(target: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(target) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.catch(() => undefined);
  queues.set(target, settled);
  void settled.then(() => {
    if (queues.get(target) === settled) queues.delete(target);
  });
  return run;
}
