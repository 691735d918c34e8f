import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';

/** The project's display name, falling back to its id until (or unless) the server answers. */
export function useProjectName(projectId: string | undefined): string | undefined {
  const [name, setName] = useState<{ id: string; name: string }>();
  useEffect(() => {
    if (!projectId) return;
    let current = true;
    api.project(projectId).then((p) => current && setName({ id: projectId, name: p.name }), () => undefined);
    return () => {
      current = false;
    };
  }, [projectId]);
  return projectId && name?.id === projectId ? name.name : projectId;
}
