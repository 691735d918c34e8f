import { useEffect, useState } from 'react';
import { RunTracker, type TrackerSnapshot } from '../run/run-tracker.ts';

/** One RunTracker per mounted page and project. */
export function useTracker(projectId: string): [RunTracker | undefined, TrackerSnapshot | undefined] {
  const [tracker, setTracker] = useState<RunTracker>();
  const [snapshot, setSnapshot] = useState<TrackerSnapshot>();
  useEffect(() => {
    const created = new RunTracker(projectId);
    setTracker(created);
    const unsubscribe = created.subscribe(setSnapshot);
    return () => {
      unsubscribe();
      created.close();
    };
  }, [projectId]);
  return [tracker, snapshot];
}
