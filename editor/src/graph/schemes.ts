import { ClassicPreset, type GetSchemes } from 'rete';
import type { NodeDescription } from '../api/types.ts';
import type { SeedMode } from '../workflow/types.ts';
import { estimateNodeHeight, NODE_WIDTH } from './node-size.ts';

/** A socket carries its runtime type name (`LATENT`, `CLIP`, ...); `*` accepts anything. */
export class TypedSocket extends ClassicPreset.Socket {
  constructor(readonly type: string) {
    super(type);
  }
}

export type RunState = 'idle' | 'waiting' | 'running' | 'cached' | 'done' | 'failed' | 'stopped';

export interface NodePreview { url: string; width?: number; height?: number; step?: number }

/** What the run overlay shows on a node. */
export interface NodeRunView {
  state: RunState;
  progress?: { value: number; max: number };
  preview?: NodePreview;
  /** Every image an output node wrote (a batch of 4 is 4 images); shown instead of the preview. */
  images?: NodePreview[];
  error?: string;
}

/** A validation or run error pinned to a node, and to one of its inputs when known. */
export interface NodeIssue { input?: string; code: string; message: string }

type Sockets = Record<string, TypedSocket>;

/** One workflow node as the canvas shows it. Literal input values live in `values`. */
export class FlowNode extends ClassicPreset.Node<Sockets, Sockets, Record<string, never>> {
  width = NODE_WIDTH;
  height: number;
  values: Record<string, unknown> = {};
  seedModes: Record<string, SeedMode> = {};
  /** Inputs currently fed by a connection; their widgets are hidden. */
  linked = new Set<string>();
  run: NodeRunView = { state: 'idle' };
  issues: NodeIssue[] = [];

  constructor(readonly spec: NodeDescription, id: string, readonly missing = false) {
    super(spec.displayName);
    this.id = id;
    for (const input of spec.inputs) {
      const { name } = input;
      if (input.kind === 'socket') {
        this.addInput(name, new ClassicPreset.Input(new TypedSocket(input.type), name));
      } else {
        this.values[name] = input.default;
        if (input.kind === 'seed') this.seedModes[name] = 'fixed';
        if (input.socketType) this.addInput(name, new ClassicPreset.Input(new TypedSocket(input.socketType), name));
      }
    }
    for (const out of spec.outputs) {
      this.addOutput(out.name, new ClassicPreset.Output(new TypedSocket(out.type), out.name));
    }
    this.height = estimateNodeHeight(spec);
  }
}

// Typed on the base node class: Rete's ClassicScheme needs connections assignable to it.
export class FlowConnection extends ClassicPreset.Connection<ClassicPreset.Node, ClassicPreset.Node> {}

export type Schemes = GetSchemes<FlowNode, FlowConnection>;
