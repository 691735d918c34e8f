import { NodeEditor } from 'rete';
import { AreaExtensions, AreaPlugin } from 'rete-area-plugin';
import { ConnectionPlugin } from 'rete-connection-plugin';
import { HistoryPlugin, Presets as HistoryPresets } from 'rete-history-plugin';
import { MinimapPlugin, type MinimapExtra } from 'rete-minimap-plugin';
import { ReactPlugin, type ReactArea2D } from 'rete-react-plugin';
import { createRoot } from 'react-dom/client';
import type { Workflow, WorkflowUi } from '../workflow/types.ts';
import { arrangeSelection, layeredLayout } from './auto-arrange.ts';
import { graphToWorkflow, workflowToGraph, type Catalog, type Position } from './boundary.ts';
import { prepareFragment } from './clipboard.ts';
import { typedConnectionFlow, vetoIncompatibleConnections } from './connection-rules.ts';
import { nodeIdBase, uniqueNodeId } from './node-ids.ts';
import { FlowNode, type FlowConnection, type Schemes } from './schemes.ts';
import { renderPresets, type NodeViewHooks } from './views/render-presets.tsx';
import { applyWidgetEdit, WidgetEditRecorder, type WidgetEdit } from './widget-edit.ts';
import type { ImageActions } from './image-actions.ts';

export type AreaExtra = ReactArea2D<Schemes> | MinimapExtra;

export interface GraphEditorOptions {
  container: HTMLElement;
  catalog: () => Catalog;
  notify(message: string, kind: 'error' | 'info'): void;
  /** Called after any change by the user (not while a workflow is being loaded); `viewOnly` for pan and zoom. */
  onChange(viewOnly: boolean): void;
  /** A right-click on the canvas, a node or a link; the editor shows its own menu. */
  onContextMenu(event: MouseEvent, target: FlowNode | FlowConnection | undefined): void;
  images: ImageActions;
}

const PASTE_OFFSET: [number, number] = [40, 40];

/** Resolves once new nodes have been laid out and have reported their measured size. */
const renderedSizes = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

/** The Rete canvas with its plugins, and the editing commands the toolbar and keyboard use. */
export class GraphEditor {
  readonly editor = new NodeEditor<Schemes>();
  readonly area: AreaPlugin<Schemes, AreaExtra>;
  private readonly history = new HistoryPlugin<Schemes>();
  private readonly selector = AreaExtensions.selector();
  private clipboard: Workflow | undefined;
  /** The loaded workflow's free-form `meta`, written back unchanged. */
  private meta: Workflow['meta'];
  private loading = 0;

  constructor(private readonly options: GraphEditorOptions) {
    const { editor } = this;
    const area = (this.area = new AreaPlugin<Schemes, AreaExtra>(options.container));
    const connection = new ConnectionPlugin<Schemes, AreaExtra>();
    const render = new ReactPlugin<Schemes, AreaExtra>({ createRoot });
    const refused = (message: string) => options.notify(`Connection refused: ${message}`, 'error');
    const showEdit = (edit: WidgetEdit, side: 'before' | 'after') => {
      applyWidgetEdit(edit, side);
      void area.update('node', edit.node.id);
      this.changed();
    };
    const recorder = new WidgetEditRecorder((action) => this.history.add(action), showEdit);
    const hooks: NodeViewHooks = {
      edit: (edit) => {
        showEdit(edit, 'after');
        recorder.record(edit);
      },
      socketType: (nodeId, output) => editor.getNode(nodeId)?.outputs[output]?.socket.type,
      images: options.images,
    };

    connection.addPreset(typedConnectionFlow(editor, refused) as never);
    vetoIncompatibleConnections(editor, refused);
    for (const preset of renderPresets(hooks)) render.addPreset(preset as never);
    this.history.addPreset(HistoryPresets.classic.setup());

    editor.use(area);
    area.use(connection);
    area.use(render);
    area.use(this.history);
    area.use(new MinimapPlugin<Schemes>({ boundViewport: true }));

    AreaExtensions.selectableNodes(area, this.selector, { accumulating: AreaExtensions.accumulateOnCtrl() });
    AreaExtensions.simpleNodesOrder(area);
    this.trackLinkedInputs();
    // A right-click on a node or link bubbles on to the canvas, which reports it again as 'root'.
    const claimed = new WeakSet<MouseEvent>();
    area.addPipe((context) => {
      if (context.type !== 'contextmenu') return context;
      const { event, context: target } = context.data;
      event.preventDefault();
      if (target === 'root' && claimed.has(event)) return context;
      claimed.add(event);
      area.area.setPointerFrom(event);
      options.onContextMenu(event, target === 'root' ? undefined : (target as FlowNode | FlowConnection));
      return context;
    });
  }

  private changed(viewOnly = false): void {
    if (this.loading === 0) this.options.onChange(viewOnly);
  }

  private trackLinkedInputs(): void {
    this.editor.addPipe((context) => {
      if (context.type === 'connectioncreated' || context.type === 'connectionremoved') {
        const node = this.editor.getNode(context.data.target);
        if (node) {
          if (context.type === 'connectioncreated') node.linked.add(context.data.targetInput);
          else node.linked.delete(context.data.targetInput);
          void this.area.update('node', node.id);
        }
      }
      if (['nodecreated', 'noderemoved', 'connectioncreated', 'connectionremoved'].includes(context.type)) this.changed();
      return context;
    });
    this.area.addPipe((context) => {
      if (context.type === 'nodetranslated') this.changed();
      if (context.type === 'zoomed' || context.type === 'translated') this.changed(true);
      return context;
    });
  }

  private async withoutTracking<T>(action: () => Promise<T>): Promise<T> {
    this.loading++;
    try {
      return await action();
    } finally {
      this.loading--;
    }
  }

  /** Replaces the canvas with a workflow; returns the links that could not be drawn. */
  async load(workflow: Workflow): Promise<string[]> {
    return this.withoutTracking(async () => {
      await this.editor.clear();
      this.meta = workflow.meta;
      const problems = await this.insert(workflow);
      const viewport = workflow.ui?.viewport;
      if (viewport && Object.keys(workflow.ui?.positions ?? {}).length > 0) {
        this.area.area.zoom(viewport.k, 0, 0);
        await this.area.area.translate(viewport.x, viewport.y);
      } else {
        await renderedSizes();
        if (!workflow.ui?.positions || Object.keys(workflow.ui.positions).length === 0) await this.arrange();
        await this.zoomToFit();
      }
      this.history.clear();
      return problems;
    });
  }

  private async insert(workflow: Workflow): Promise<string[]> {
    const graph = workflowToGraph(workflow, this.options.catalog());
    for (const node of graph.nodes) {
      await this.editor.addNode(node);
      const position = graph.positions.get(node.id);
      if (position) await this.area.translate(node.id, { x: position[0], y: position[1] });
    }
    for (const connection of graph.connections) await this.editor.addConnection(connection);
    return graph.problems;
  }

  toWorkflow(ui: WorkflowUi = {}): Workflow {
    const { x, y, k } = this.area.area.transform;
    const workflow = graphToWorkflow(this.editor.getNodes(), this.editor.getConnections(), (id) => this.positionOf(id), {
      ...ui,
      viewport: { x: Math.round(x), y: Math.round(y), k: Number(k.toFixed(3)) },
    });
    return this.meta ? { ...workflow, meta: this.meta } : workflow;
  }

  private positionOf(id: string): Position | undefined {
    const view = this.area.nodeViews.get(id);
    return view ? [view.position.x, view.position.y] : undefined;
  }

  /** Adds a node at `at`, or where the pointer last was on the canvas (e.g. the right-click). */
  async addNode(type: string, at?: { x: number; y: number }): Promise<FlowNode | undefined> {
    const spec = this.options.catalog().get(type);
    if (!spec) {
      this.options.notify(`Unknown node type ${type}`, 'error');
      return undefined;
    }
    const taken = new Set(this.editor.getNodes().map((n) => n.id));
    const node = new FlowNode(spec, uniqueNodeId(nodeIdBase(type), taken));
    await this.editor.addNode(node);
    await this.area.translate(node.id, at ?? { ...this.area.area.pointer });
    return node;
  }

  selectedNodes(): FlowNode[] {
    return this.editor.getNodes().filter((n) => n.selected);
  }

  async removeConnection(id: string): Promise<void> {
    if (this.editor.getConnection(id)) await this.editor.removeConnection(id);
  }

  async removeNodes(nodes: FlowNode[]): Promise<void> {
    for (const node of nodes) {
      for (const c of this.editor.getConnections()) {
        if (c.source === node.id || c.target === node.id) await this.editor.removeConnection(c.id);
      }
      await this.editor.removeNode(node.id);
    }
  }

  copy(nodes: FlowNode[]): number {
    if (nodes.length === 0) return 0;
    this.clipboard = graphToWorkflow(nodes, this.editor.getConnections(), (id) => this.positionOf(id));
    return nodes.length;
  }

  async paste(): Promise<void> {
    if (!this.clipboard) return;
    const taken = new Set(this.editor.getNodes().map((n) => n.id));
    const fragment = prepareFragment(this.clipboard, taken, PASTE_OFFSET);
    this.clipboard = fragment;
    await this.insert(fragment);
  }

  async duplicate(nodes: FlowNode[]): Promise<void> {
    const saved = this.clipboard;
    if (this.copy(nodes) > 0) await this.paste();
    this.clipboard = saved;
  }

  undo(): Promise<void> {
    return this.history.undo();
  }

  redo(): Promise<void> {
    return this.history.redo();
  }

  /** Lays out the selected nodes when two or more are selected (clear of the others), else the whole graph. */
  async arrange(): Promise<void> {
    const nodes = this.editor.getNodes();
    const edges = this.editor.getConnections().map((c) => ({ from: c.source, to: c.target }));
    const placed = nodes.map((n) => ({ id: n.id, width: n.width, height: n.height, ...this.area.nodeViews.get(n.id)!.position }));
    const selected = new Set(this.selectedNodes().map((n) => n.id));
    const positions = selected.size >= 2
      ? arrangeSelection(placed.filter((n) => selected.has(n.id)), placed.filter((n) => !selected.has(n.id)), edges)
      : layeredLayout(nodes, edges);
    // Moving the picked (last clicked) node drags the whole selection along: move it first, then the others.
    const picked = [...positions.keys()].filter((id) => this.selector.isPicked({ id, label: 'node' }));
    for (const id of [...picked, ...[...positions.keys()].filter((id) => !picked.includes(id))]) await this.area.translate(id, positions.get(id)!);
  }

  async zoomToFit(): Promise<void> {
    const nodes = this.editor.getNodes();
    if (nodes.length > 0) await AreaExtensions.zoomAt(this.area, nodes, { scale: 0.9 });
  }

  /** Re-renders a node after its run view, issues or values changed. */
  refresh(node: FlowNode): void {
    void this.area.update('node', node.id);
  }

  destroy(): void {
    this.area.destroy();
  }
}
