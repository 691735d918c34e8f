import type { NodeEditor } from 'rete';
import { ClassicFlow, getSourceTarget, type SocketData } from 'rete-connection-plugin';
import type { Schemes } from './schemes.ts';
import { canConnect } from './socket-types.ts';

type Refused = (message: string) => void;

function socketType(editor: NodeEditor<Schemes>, data: SocketData): string | undefined {
  const node = editor.getNode(data.nodeId);
  return data.side === 'output' ? node?.outputs[data.key]?.socket.type : node?.inputs[data.key]?.socket.type;
}

/** Explains why a link is refused, or returns undefined when it is fine. */
export function refusalReason(editor: NodeEditor<Schemes>, source: SocketData, target: SocketData): string | undefined {
  if (source.nodeId === target.nodeId) return 'a node cannot feed itself';
  const from = socketType(editor, source);
  const to = socketType(editor, target);
  if (from === undefined || to === undefined) return 'socket not found';
  if (!canConnect(from, to)) return `cannot connect ${from} (${source.key}) to ${to} (${target.key})`;
  return undefined;
}

/**
 * Rete's classic drag-to-connect flow, refusing links between sockets of different types. A refused
 * drop also lets go of the dragged link (the classic flow would keep it on the pointer).
 */
class TypedFlow extends ClassicFlow<Schemes, never[]> {
  private readonly state: { refused: boolean };

  constructor(editor: NodeEditor<Schemes>, onRefused: Refused) {
    const state = { refused: false };
    super({
      canMakeConnection(initial, socket) {
        const pair = getSourceTarget(initial, socket);
        if (!pair) return false;
        const reason = refusalReason(editor, pair[0], pair[1]);
        if (reason) {
          state.refused = true;
          onRefused(reason);
        }
        return reason === undefined;
      },
    });
    this.state = state;
  }

  override async pick(...args: Parameters<ClassicFlow<Schemes, never[]>['pick']>): Promise<void> {
    this.state.refused = false;
    await super.pick(...args);
    if (this.state.refused) this.drop(args[1]);
  }
}

export function typedConnectionFlow(editor: NodeEditor<Schemes>, onRefused: Refused) {
  return () => new TypedFlow(editor, onRefused);
}

/** Vetoes connections that bypass the drag flow (paste, undo) when their types do not match. */
export function vetoIncompatibleConnections(editor: NodeEditor<Schemes>, onRefused: Refused): void {
  editor.addPipe((context) => {
    if (context.type !== 'connectioncreate') return context;
    const { source, sourceOutput, target, targetInput } = context.data;
    const reason = refusalReason(
      editor,
      { nodeId: source, key: sourceOutput, side: 'output' } as SocketData,
      { nodeId: target, key: targetInput, side: 'input' } as SocketData,
    );
    if (!reason) return context;
    onRefused(reason);
    return undefined;
  });
}
