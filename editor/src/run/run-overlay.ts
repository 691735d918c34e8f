import type { ApiError, OutputImage } from '../api/types.ts';
import type { GraphEditor } from '../graph/graph-editor.ts';
import type { FlowNode, NodeIssue, NodePreview, NodeRunView } from '../graph/schemes.ts';
import type { RunRecord } from './run-record.ts';

/** Shows one run on the canvas: node states, progress, live previews and final images. */
export function showRun(
  graph: GraphEditor,
  record: RunRecord | undefined,
  previews: ReadonlyMap<string, NodePreview> | undefined,
  images: readonly OutputImage[] | undefined,
): void {
  for (const node of graph.editor.getNodes()) {
    const state = record?.nodes[node.id];
    const written = images?.filter((i) => i.nodeId === node.id).map((i) => ({ url: i.url }));
    const view: NodeRunView = {
      state: state?.state ?? 'idle',
      progress: state?.progress,
      preview: previews?.get(node.id),
      images: written?.length ? written : undefined,
      error: state?.error?.message,
    };
    if (!sameView(node.run, view)) {
      node.run = view;
      graph.refresh(node);
    }
  }
  if (record?.error?.nodeId) {
    showIssues(graph, [record.error]);
  }
}

/** Pins validation or run errors to their nodes and inputs; returns those that name no node on the canvas. */
export function showIssues(graph: GraphEditor, errors: readonly ApiError[]): ApiError[] {
  const byNode = new Map<string, NodeIssue[]>();
  const unplaced: ApiError[] = [];
  for (const error of errors) {
    if (error.nodeId && graph.editor.getNode(error.nodeId)) {
      const list = byNode.get(error.nodeId) ?? [];
      list.push({ code: error.code, message: error.message, input: error.input });
      byNode.set(error.nodeId, list);
    } else {
      unplaced.push(error);
    }
  }
  for (const node of graph.editor.getNodes()) setIssues(graph, node, byNode.get(node.id) ?? []);
  return unplaced;
}

function setIssues(graph: GraphEditor, node: FlowNode, issues: NodeIssue[]): void {
  if (JSON.stringify(node.issues) === JSON.stringify(issues)) return;
  node.issues = issues;
  graph.refresh(node);
}

function sameView(a: NodeRunView, b: NodeRunView): boolean {
  return a.state === b.state && a.error === b.error && a.preview?.url === b.preview?.url
    && (a.images ?? []).map((i) => i.url).join() === (b.images ?? []).map((i) => i.url).join()
    && a.progress?.value === b.progress?.value && a.progress?.max === b.progress?.max;
}
