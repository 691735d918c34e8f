import { Presets } from 'rete-react-plugin';
import type { FlowConnection, Schemes, TypedSocket } from '../schemes.ts';
import { socketColour } from '../socket-types.ts';
import { createNodeView, type NodeViewHooks } from './NodeView.tsx';

export type { NodeViewHooks };

function SocketView({ data }: { data: TypedSocket }) {
  return (
    <div
      className="lf-socket"
      data-testid="socket"
      data-socket-type={data.type}
      title={data.type}
      style={{ background: socketColour(data.type) }}
    />
  );
}

function createConnectionView(hooks: NodeViewHooks) {
  return function ConnectionView({ data }: { data: FlowConnection }) {
    const { path } = Presets.classic.useConnection();
    if (!path) return null;
    const colour = socketColour(hooks.socketType(data.source, data.sourceOutput) ?? '*');
    return (
      <svg className="lf-connection" data-testid="connection">
        <path d={path} stroke={colour} />
      </svg>
    );
  };
}

/** How the canvas draws nodes, sockets, links and the minimap. */
export function renderPresets(hooks: NodeViewHooks) {
  const NodeView = createNodeView(hooks);
  const ConnectionView = createConnectionView(hooks);
  return [
    Presets.classic.setup<Schemes, never>({
      customize: {
        node: () => NodeView as never,
        socket: () => SocketView as never,
        connection: () => ConnectionView as never,
      },
    }),
    Presets.minimap.setup({ size: 180 }),
  ];
}

