import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';
import type { WorkerSummary } from '../api/types.ts';

const REFRESH_MS = 3000;

/** With `serve --redis`: the live workers, what each offers and which runs it is executing. Hidden otherwise. */
export function WorkerList() {
  const [workers, setWorkers] = useState<WorkerSummary[] | undefined>();
  useEffect(() => {
    let stopped = false;
    const load = () =>
      api.workers().then(
        (list) => !stopped && setWorkers(list.mode === 'redis' ? list.workers : undefined),
        () => undefined,
      );
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  if (!workers) return null;
  return (
    <div className="lf-workers" data-testid="workers">
      <h3>Workers</h3>
      {workers.length === 0 && <p className="lf-issue">No worker is connected: runs cannot start.</p>}
      <ul>
        {workers.map((worker) => (
          <li key={worker.id} data-testid="worker">
            <strong>{worker.name}</strong> <span className="lf-muted">{worker.backends.join(', ')} · {worker.models.map((model) => model.name).join(', ') || 'no models'}</span>
            <div className="lf-muted">
              {worker.runs.length === 0 ? 'idle' : worker.runs.map((run) => <code key={run.runId}>{run.runId.slice(0, 8)} </code>)}
              {worker.concurrency > 1 && ` (${worker.runs.length}/${worker.concurrency})`}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
