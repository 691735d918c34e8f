import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { api } from '../api/client.ts';
import { ApiRequestError } from '../errors.ts';
import type { NodeDescription } from '../api/types.ts';
import type { GraphEditor } from '../graph/graph-editor.ts';
import { FlowNode } from '../graph/schemes.ts';
import { nextSeed } from '../graph/seeds.ts';
import { isActive, overallProgress } from '../run/run-record.ts';
import { showIssues, showRun } from '../run/run-overlay.ts';
import { moveDraftOnSaveAs, readDraft, writeDraft } from '../storage/drafts.ts';
import { NodeMenu, type MenuTarget } from '../ui/NodeMenu.tsx';
import { Palette, NODE_DRAG_TYPE } from '../ui/Palette.tsx';
import { ProgressBar } from '../ui/ProgressBar.tsx';
import { QueuePanel } from '../ui/QueuePanel.tsx';
import { generateHref } from '../ui/route.ts';
import type { Notify } from '../ui/toasts.tsx';
import { useTracker } from '../ui/use-tracker.ts';
import type { Workflow } from '../workflow/types.ts';
import { downloadWorkflow, workflowFromFile } from '../workflow/workflow-files.ts';
import { bindShortcuts } from './editor/keyboard.ts';
import { useGraphEditor } from './editor/use-graph-editor.ts';
import { useImageActions } from './editor/use-image-actions.tsx';

const DEFAULT_WORKFLOW = 'txt2img';
const EMPTY: Workflow = { version: 1, nodes: {} };

export function EditorPage({ projectId, workflowName: requested, notify }: { projectId: string; workflowName?: string; notify: Notify }) {
  const [nodes, setNodes] = useState<NodeDescription[]>();
  const [workflows, setWorkflows] = useState<string[]>([]);
  const [name, setName] = useState(requested ?? DEFAULT_WORKFLOW);
  const [dirty, setDirty] = useState(false);
  const [shownRun, setShownRun] = useState<string>();
  /** Why the last Queue was refused; the canvas then shows no earlier run as if it were this one. */
  const [queueFailure, setQueueFailure] = useState<string>();
  const showRunOnCanvas = useCallback((runId: string | undefined) => {
    setQueueFailure(undefined);
    setShownRun(runId);
  }, []);
  const [menu, setMenu] = useState<MenuTarget>();
  const [empty, setEmpty] = useState(false);
  const closeMenu = useCallback(() => setMenu(undefined), []);
  const container = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [tracker, snapshot] = useTracker(projectId);
  const catalog = useMemo(() => (nodes ? new Map(nodes.map((n) => [n.type, n])) : undefined), [nodes]);

  const nameRef = useRef(name);
  nameRef.current = name;
  const graphRef = useRef<GraphEditor>(undefined);
  const persistTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const pendingWrite = useRef<() => void>(undefined);
  const persist = useCallback((isDirty: boolean) => {
    clearTimeout(persistTimer.current);
    const write = () => {
      pendingWrite.current = undefined;
      const graph = graphRef.current;
      if (graph) writeDraft(projectId, { workflowName: nameRef.current, workflow: graph.toWorkflow(), dirty: isDirty });
    };
    pendingWrite.current = write;
    persistTimer.current = setTimeout(write, 250);
  }, [projectId]);

  /** Writes a pending draft now, before the canvas changes to another workflow. */
  const flushDraft = () => {
    clearTimeout(persistTimer.current);
    pendingWrite.current?.();
  };

  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;
  const onChange = useCallback((viewOnly: boolean) => {
    if (viewOnly) {
      persist(dirtyRef.current);
      return;
    }
    setDirty(true);
    setEmpty(graphRef.current?.editor.getNodes().length === 0);
    persist(true);
  }, [persist]);

  const { images, dialog: maskDialog } = useImageActions(projectId, notify);
  const graph = useGraphEditor(container, catalog, notify, onChange, (event, target) => {
    const at = { x: event.clientX, y: event.clientY };
    if (!target) setMenu({ kind: 'canvas', ...at });
    else if (target instanceof FlowNode) setMenu({ kind: 'node', ...at, nodeId: target.id });
    else setMenu({ kind: 'link', ...at, connectionId: target.id });
  }, images);
  graphRef.current = graph;

  useEffect(() => {
    api.nodes().then(setNodes, (e: Error) => notify(`Could not load node types: ${e.message}`, 'error'));
    api.workflows(projectId).then(setWorkflows, (e: Error) => notify(e.message, 'error'));
  }, [projectId, notify]);

  const loadInto = useCallback(async (workflow: Workflow, workflowName: string, isDirty: boolean) => {
    if (!graphRef.current) return;
    flushDraft();
    const problems = await graphRef.current.load(workflow);
    setEmpty(graphRef.current.editor.getNodes().length === 0);
    showRunOnCanvas(undefined); // a past run's states belong to the graph it ran
    for (const problem of problems) notify(problem, 'error');
    setName(workflowName);
    nameRef.current = workflowName;
    setDirty(isDirty);
    writeDraft(projectId, { workflowName, workflow: graphRef.current.toWorkflow(), dirty: isDirty });
  }, [projectId, notify, showRunOnCanvas]);

  const openFromServer = useCallback(async (workflowName: string) => {
    try {
      await loadInto(await api.workflow(projectId, workflowName), workflowName, false);
    } catch (e) {
      notify(`Could not open ${workflowName}: ${(e as Error).message}`, 'error');
    }
  }, [projectId, loadInto, notify]);

  /** Opens a workflow's unsaved draft when there is one, else the saved version. */
  const openWorkflow = useCallback(async (workflowName?: string) => {
    const draft = readDraft(projectId, workflowName);
    if (!draft) return openFromServer(workflowName ?? DEFAULT_WORKFLOW);
    // A draft may predate a plugin update: bring it to the current node versions (as it is when offline).
    const workflow = await api.upgradeWorkflow(draft.workflow).catch(() => draft.workflow);
    await loadInto(workflow, draft.workflowName, draft.dirty);
    if (draft.dirty && workflowName) notify(`Restored the unsaved changes of ${draft.workflowName}`, 'info');
  }, [projectId, loadInto, openFromServer, notify]);

  useEffect(() => {
    if (graph) void openWorkflow(requested);
  }, [graph, requested, openWorkflow]);

  useEffect(() => {
    if (!graph || !snapshot) return;
    const run = shownRun ? snapshot.runs.find((r) => r.runId === shownRun) : undefined;
    showRun(graph, run, shownRun ? snapshot.previews.get(shownRun) : undefined, shownRun ? snapshot.images.get(shownRun) : undefined);
  }, [graph, snapshot, shownRun]);

  const queue = useCallback(async () => {
    const current = graphRef.current;
    if (!current || !tracker) return;
    const workflow = current.toWorkflow();
    showIssues(current, []);
    showRunOnCanvas(undefined);
    try {
      const { id } = await api.queueRun(projectId, { workflow });
      tracker.track(id, nameRef.current);
      showRunOnCanvas(id);
      advanceSeeds(current);
    } catch (e) {
      setQueueFailure((e as Error).message);
      if (e instanceof ApiRequestError && e.issues.length > 0) {
        const unplaced = showIssues(current, e.issues);
        notify(`The workflow has ${e.issues.length} problem(s); see the marked nodes`, 'error');
        for (const error of unplaced) notify(error.message, 'error');
      } else {
        notify((e as Error).message, 'error');
      }
    }
  }, [projectId, tracker, notify, showRunOnCanvas]);

  const advanceSeeds = (current: GraphEditor) => {
    let changed = false;
    for (const node of current.editor.getNodes()) {
      for (const [input, mode] of Object.entries(node.seedModes)) {
        if (mode === 'fixed') continue;
        node.values[input] = nextSeed(Number(node.values[input]) || 0, mode);
        current.refresh(node);
        changed = true;
      }
    }
    if (changed) onChange(false);
  };

  const shown = snapshot?.runs.find((r) => r.runId === shownRun);
  const cancel = useCallback(() => {
    const request = shown && isActive(shown) ? api.cancelRun(shown.runId) : api.interrupt();
    request.catch((e: Error) => notify(e.message, 'error'));
  }, [shown, notify]);

  const save = useCallback(async (as?: string) => {
    const current = graphRef.current;
    const target = as ?? nameRef.current;
    if (!current || !target) return;
    try {
      const workflow = current.toWorkflow();
      await api.saveWorkflow(projectId, target, workflow);
      clearTimeout(persistTimer.current);
      pendingWrite.current = undefined;
      moveDraftOnSaveAs(projectId, nameRef.current, target, workflow);
      setName(target);
      nameRef.current = target;
      setDirty(false);
      setWorkflows((list) => (list.includes(target) ? list : [...list, target].sort()));
      notify(`Saved ${target}`, 'info');
    } catch (e) {
      notify(`Could not save: ${(e as Error).message}`, 'error');
    }
  }, [projectId, notify]);

  const openFile = useCallback(async (file: File) => {
    try {
      const workflow = await api.upgradeWorkflow(await workflowFromFile(file));
      await loadInto(workflow, workflowNameFrom(file.name), true);
      notify(`Loaded the workflow from ${file.name}`, 'info');
    } catch (e) {
      notify((e as Error).message, 'error');
    }
  }, [loadInto, notify]);

  const shortcutsRef = useRef({ queue, save, graph });
  shortcutsRef.current = { queue, save, graph };
  useEffect(() => bindShortcuts({
    queue: () => void shortcutsRef.current.queue(),
    save: () => void shortcutsRef.current.save(),
    undo: () => void shortcutsRef.current.graph?.undo(),
    redo: () => void shortcutsRef.current.graph?.redo(),
    remove: () => { const g = shortcutsRef.current.graph; if (g) void g.removeNodes(g.selectedNodes()); },
    copy: () => { const g = shortcutsRef.current.graph; if (g) g.copy(g.selectedNodes()); },
    paste: () => void shortcutsRef.current.graph?.paste(),
    duplicate: () => { const g = shortcutsRef.current.graph; if (g) void g.duplicate(g.selectedNodes()); },
  }), []);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    const type = e.dataTransfer.getData(NODE_DRAG_TYPE);
    if (type && graph) {
      graph.area.area.setPointerFrom(e.nativeEvent);
      void graph.addNode(type, { ...graph.area.area.pointer });
      return;
    }
    const file = e.dataTransfer.files[0];
    if (file) void openFile(file);
  };

  // Every named workflow keeps its own draft; only an unsaved "untitled" canvas would be replaced.
  const confirmNew = () => !(dirty && name === 'untitled') || window.confirm('Discard the unsaved untitled workflow?');

  return (
    <div className="lf-editor-page">
      <div className="lf-toolbar" role="toolbar">
        <select aria-label="Open workflow" value="" onChange={(e) => { if (e.target.value) void openWorkflow(e.target.value); }}>
          <option value="">Open…</option>
          {workflows.map((w) => <option key={w} value={w}>{w}</option>)}
        </select>
        <button type="button" onClick={() => { if (confirmNew()) void loadInto(EMPTY, 'untitled', true); }}>New</button>
        <span className="lf-workflow-name" data-testid="workflow-name">{name}{dirty ? ' •' : ''}</span>
        <button type="button" onClick={() => void save()}>Save</button>
        <button type="button" onClick={() => { const as = window.prompt('Save workflow as', name); if (as) void save(workflowNameFrom(as.trim())); }}>Save as…</button>
        <button type="button" onClick={() => graph && downloadWorkflow(name, graph.toWorkflow())}>Download</button>
        <button type="button" onClick={() => fileInput.current?.click()}>Upload</button>
        <input ref={fileInput} type="file" accept=".json,application/json,image/png" hidden data-testid="upload-workflow"
          onChange={(e) => { const f = e.target.files?.[0]; if (f) void openFile(f); e.target.value = ''; }} />
        <span className="lf-sep" />
        <button type="button" title="Undo (Ctrl+Z)" onClick={() => void graph?.undo()}>Undo</button>
        <button type="button" title="Redo (Ctrl+Y)" onClick={() => void graph?.redo()}>Redo</button>
        <button type="button" title="Duplicate (Ctrl+D)" onClick={() => graph && void graph.duplicate(graph.selectedNodes())}>Duplicate</button>
        <button type="button" title="Delete (Del)" onClick={() => graph && void graph.removeNodes(graph.selectedNodes())}>Delete</button>
        <button type="button" onClick={() => void graph?.arrange().then(() => graph?.zoomToFit())}>Arrange</button>
        <button type="button" onClick={() => void graph?.zoomToFit()}>Fit</button>
        <span className="lf-sep" />
        <button type="button" className="lf-primary" title="Queue (Ctrl+Enter)" onClick={() => void queue()} data-testid="queue">Queue</button>
        <button type="button" onClick={cancel} data-testid="cancel">Cancel</button>
        <a href={generateHref(projectId)}>Generate page</a>
        <div className="lf-toolbar-progress">
          {shown && <ProgressBar value={overallProgress(shown)} label="run progress" testId="run-progress" />}
          {shown && <span className="lf-run-status" data-testid="run-status">{shown.status}</span>}
          {!shown && queueFailure && <span className="lf-run-status lf-issue" data-testid="run-status" title={queueFailure}>failed</span>}
        </div>
      </div>
      <div className="lf-editor-body">
        <Palette nodes={nodes ?? []} onAdd={(type) => graph && void graph.addNode(type, viewportCentre(graph))} />
        <div className="lf-canvas-frame">
          <div className="lf-canvas" ref={container} data-testid="canvas" onDragOver={(e) => e.preventDefault()} onDrop={onDrop} />
          {empty && (
            <p className="lf-canvas-hint">Right-click the canvas or drag from the palette to add nodes; drop a workflow JSON or a PNG saved by latentflow here to open it.</p>
          )}
        </div>
        <QueuePanel snapshot={snapshot} notify={notify} onShow={showRunOnCanvas} />
      </div>
      {menu && graph && (
        <NodeMenu
          target={menu}
          nodes={nodes ?? []}
          onClose={closeMenu}
          onAdd={(type) => void graph.addNode(type)}
          onRemoveLink={(connectionId) => void graph.removeConnection(connectionId)}
          onNodeAction={(action, nodeId) => {
            const node = graph.editor.getNode(nodeId);
            if (!node) return;
            if (action === 'duplicate') void graph.duplicate([node]);
            else if (action === 'copy') graph.copy([node]);
            else void graph.removeNodes([node]);
          }}
        />
      )}
      {maskDialog}
    </div>
  );
}

/** Workflow names allow letters, digits, `_` and `-` only. */
function workflowNameFrom(fileName: string): string {
  return fileName.replace(/\.(json|png)$/i, '').replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 100) || 'untitled';
}

function viewportCentre(graph: GraphEditor): { x: number; y: number } {
  const { x, y, k } = graph.area.area.transform;
  const rect = graph.area.container.getBoundingClientRect();
  return { x: (rect.width / 2 - x) / k - 130, y: (rect.height / 2 - y) / k - 80 };
}
