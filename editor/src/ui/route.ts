import { useEffect, useState } from 'react';

/** Hash routes: `#/editor`, `#/projects`, `#/projects/<id>/generate`, `#/projects/<id>/editor?workflow=<name>`. */
export type Route =
  | { page: 'editor'; projectId: string; workflowName?: string }
  | { page: 'projects' }
  | { page: 'generate'; projectId: string };

export const DEFAULT_PROJECT = 'default';

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeSegment);
  const params = new URLSearchParams(query);
  if (parts[0] === 'projects' && parts[1]) {
    if (parts[2] === 'generate') return { page: 'generate', projectId: parts[1] };
    return { page: 'editor', projectId: parts[1], workflowName: params.get('workflow') ?? undefined };
  }
  if (parts[0] === 'projects') return { page: 'projects' };
  return { page: 'editor', projectId: DEFAULT_PROJECT, workflowName: params.get('workflow') ?? undefined };
}

export function editorHref(projectId: string, workflowName?: string): string {
  const query = workflowName ? `?workflow=${encodeURIComponent(workflowName)}` : '';
  return projectId === DEFAULT_PROJECT ? `#/editor${query}` : `#/projects/${encodeURIComponent(projectId)}/editor${query}`;
}

export const generateHref = (projectId: string) => `#/projects/${encodeURIComponent(projectId)}/generate`;

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
