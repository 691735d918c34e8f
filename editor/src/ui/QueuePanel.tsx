import { api } from '../api/client.ts';
import type { TrackerSnapshot } from '../run/run-tracker.ts';
import { isActive, overallProgress } from '../run/run-record.ts';
import { ProgressBar } from './ProgressBar.tsx';
import type { Notify } from './toasts.tsx';
import { WorkerList } from './WorkerList.tsx';

/** Queued, running and past runs of the project, newest first. */
export function QueuePanel({ snapshot, notify, onShow }: { snapshot?: TrackerSnapshot; notify: Notify; onShow?(runId: string): void }) {
  const runs = snapshot?.runs ?? [];
  const cancel = (runId: string) => api.cancelRun(runId).catch((e: Error) => notify(e.message, 'error'));
  return (
    <section className="lf-queue" data-testid="queue-panel">
      <h2>Queue &amp; history {snapshot && !snapshot.connected && <span className="lf-offline">offline</span>}</h2>
      <WorkerList />
      {runs.length === 0 && <p className="lf-muted">No runs yet. Queue one with Ctrl+Enter.</p>}
      <ol>
        {runs.map((run) => {
          const images = snapshot?.images.get(run.runId) ?? [];
          return (
            <li key={run.runId} className={`lf-run lf-run-${run.status}`} data-testid="run" data-status={run.status}>
              <div className="lf-run-head">
                <button type="button" className="lf-link" onClick={() => onShow?.(run.runId)} title="Show on the canvas">
                  {run.label ?? 'run'} <code>{run.runId.slice(0, 8)}</code>
                </button>
                <span className="lf-run-status">{run.status}</span>
                {isActive(run) && <button type="button" onClick={() => void cancel(run.runId)}>Cancel</button>}
              </div>
              {isActive(run) && <ProgressBar value={overallProgress(run)} label={`run ${run.runId}`} />}
              {run.error && <div className="lf-issue">{run.error.message}</div>}
              {images.length > 0 && (
                <div className="lf-thumbs" data-testid="run-images">
                  {images.map((image) => <a key={image.url} href={image.url} target="_blank" rel="noreferrer"><img className="lf-thumb" src={image.url} alt={image.filename} /></a>)}
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
