import { useLayoutEffect, useRef } from 'react';
import { Presets, type RenderEmit } from 'rete-react-plugin';
import type { FlowNode, Schemes } from '../schemes.ts';
import type { WidgetEdit } from '../widget-edit.ts';
import { inputNamed } from '../../../../contract/index.ts';
import { Widget } from './Widget.tsx';
import type { ImageActions } from '../image-actions.ts';

export interface NodeViewHooks {
  /** The user changed a widget value or seed mode; the editor applies and records it. */
  edit(edit: WidgetEdit): void;
  socketType(nodeId: string, output: string): string | undefined;
  images: ImageActions;
}

const STATE_LABELS: Record<string, string> = {
  waiting: 'waiting',
  running: 'running',
  cached: 'cached',
  done: 'done',
  failed: 'failed',
  stopped: 'stopped',
};

export function createNodeView(hooks: NodeViewHooks) {
  return function NodeView({ data: node, emit }: { data: FlowNode; emit: RenderEmit<Schemes> }) {
    const element = useRef<HTMLDivElement>(null);
    // Auto-arrange, zoom-to-fit and the minimap read the node's size; keep it the rendered one.
    useLayoutEffect(() => {
      const el = element.current;
      if (!el) return;
      const observer = new ResizeObserver(() => {
        node.height = el.offsetHeight;
      });
      observer.observe(el);
      return () => observer.disconnect();
    }, [node]);
    const { run, issues } = node;
    const issueFor = (input: string) => issues.filter((i) => i.input === input);
    const nodeIssues = issues.filter((i) => !i.input || !inputNamed(node.spec, i.input));
    const progress = run.progress && run.progress.max > 0 ? run.progress.value / run.progress.max : undefined;
    const classes = ['lf-node', `lf-state-${run.state}`, node.selected ? 'lf-selected' : '', issues.length ? 'lf-has-issues' : '', node.missing ? 'lf-missing' : '']
      .filter(Boolean)
      .join(' ');

    return (
      <div ref={element} className={classes} data-testid="node" data-node-id={node.id} data-node-type={node.spec.type} data-state={run.state} style={{ width: node.width }}>
        <header className="lf-node-title" title={node.spec.description}>
          <span>{node.label}{node.missing ? ' (unknown type)' : ''}</span>
          <span className="lf-node-id">{node.id}</span>
          {run.state !== 'idle' && <span className={`lf-badge lf-badge-${run.state}`}>{STATE_LABELS[run.state]}</span>}
        </header>
        {run.state === 'running' && (
          <div className="lf-node-progress" data-testid="node-progress">
            <div style={{ width: `${Math.round((progress ?? 0) * 100)}%` }} className={progress === undefined ? 'lf-indeterminate' : ''} />
          </div>
        )}
        {Object.entries(node.outputs).map(([key, port]) => port && (
          <div className="lf-row lf-output" key={key} data-testid="output" data-output={key}>
            <span className="lf-label">{key}</span>
            <Presets.classic.RefSocket name="output-socket" side="output" emit={emit} socketKey={key} nodeId={node.id} payload={port.socket} />
          </div>
        ))}
        {node.spec.inputs.map((spec) => {
          const { name } = spec;
          const port = node.inputs[name];
          const rowIssues = issueFor(name);
          const showWidget = spec.kind !== 'socket' && !node.linked.has(name);
          return (
            <div className={`lf-row lf-input${rowIssues.length ? ' lf-input-issue' : ''}`} key={name} data-testid="input" data-input={name}>
              <div className="lf-input-head">
                {port && <Presets.classic.RefSocket name="input-socket" side="input" emit={emit} socketKey={name} nodeId={node.id} payload={port.socket} />}
                <span className="lf-label" title={spec.description}>{name}{spec.kind === 'socket' && spec.optional ? ' (optional)' : ''}</span>
              </div>
              {showWidget && <Widget node={node} name={name} spec={spec} onEdit={hooks.edit} images={hooks.images} />}
              {rowIssues.map((issue, i) => <div className="lf-issue" key={i} data-testid="issue">{issue.message}</div>)}
            </div>
          );
        })}
        {nodeIssues.map((issue, i) => <div className="lf-issue" key={i} data-testid="issue">{issue.message}</div>)}
        {run.error && !issues.length && <div className="lf-issue" data-testid="issue">{run.error}</div>}
        {run.images && run.images.length > 0 ? (
          <div className={`lf-preview${run.images.length > 1 ? ' lf-preview-grid' : ''}`} data-testid="node-preview" data-images={run.images.length}>
            {run.images.map((image) => <img key={image.url} src={image.url} alt={`${node.id} output`} draggable={false} data-testid="node-image" />)}
          </div>
        ) : run.preview && (
          <figure className="lf-preview" data-testid="node-preview" data-step={run.preview.step ?? ''}>
            <img src={run.preview.url} alt={`${node.id} preview`} draggable={false} />
            {run.preview.step !== undefined && <figcaption>step {run.preview.step}</figcaption>}
          </figure>
        )}
      </div>
    );
  };
}
