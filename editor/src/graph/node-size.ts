import type { NodeDescription } from '../api/types.ts';

export const NODE_WIDTH = 260;

const HEADER = 40;
const SOCKET_ROW = 28;
const WIDGET_ROW = 52;
const MULTILINE_ROW = 104;
const PREVIEW = 230;

/** Approximate rendered height, used by the minimap, auto-arrange and zoom-to-fit. */
export function estimateNodeHeight(spec: NodeDescription): number {
  let height = HEADER + spec.outputs.length * SOCKET_ROW;
  for (const input of spec.inputs) {
    if (input.kind === 'socket') height += SOCKET_ROW;
    else if (input.kind === 'string' && input.multiline) height += MULTILINE_ROW;
    else height += WIDGET_ROW;
  }
  if (spec.output) height += PREVIEW;
  return height;
}
