import { describe, expect, it } from 'vitest';
import { createExecutor, createRegistry } from '../../runtime/index.ts';
import { ExecutorPool } from '../../server/executor-pool.ts';

const pool = () => new ExecutorPool(() => createExecutor({ registry: createRegistry() }));

describe('ExecutorPool', () => {
  it('shares one executor between the runs of a project on the same hardware', () => {
    const executors = pool();
    expect(executors.for('a', 'cpu')).toBe(executors.for('a', 'cpu'));
  });

  it('gives other projects, and a project moved to other hardware, their own executor', () => {
    const executors = pool();
    const a = executors.for('a', 'cpu');
    expect(executors.for('b', 'cpu')).not.toBe(a);
    expect(executors.for('a', 'cuda')).not.toBe(a);
  });

  it('keeps the four most recently used executors', () => {
    const executors = pool();
    const first = executors.for('p1', 'cpu');
    const second = executors.for('p2', 'cpu');
    for (const project of ['p3', 'p4']) executors.for(project, 'cpu');
    executors.for('p1', 'cpu');
    executors.for('p5', 'cpu');
    expect(executors.for('p1', 'cpu')).toBe(first);
    expect(executors.for('p2', 'cpu')).not.toBe(second);
  });
});
