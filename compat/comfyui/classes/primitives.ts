import type { ComfyClass, WidgetSpec } from '../class-entry.ts';

/** ComfyUI's Primitive* nodes: a constant, which latentflow writes into the inputs it feeds. */
function primitive(widget: WidgetSpec): ComfyClass {
  return {
    uses: [],
    category: 'utils/primitive',
    description: 'No node of its own: its value is written into the inputs it feeds.',
    inputs: [widget],
    outputs: [{ name: widget.type, type: widget.type }],
    translate: (node) => [{ literal: node.literal('value') }],
  };
}

export const PrimitiveInt = primitive({ name: 'value', type: 'INT', default: 0, min: -(2 ** 53), max: 2 ** 53, controlAfterGenerate: true });
export const PrimitiveFloat = primitive({ name: 'value', type: 'FLOAT', default: 0, min: -(2 ** 53), max: 2 ** 53, step: 0.1 });
export const PrimitiveString = primitive({ name: 'value', type: 'STRING', default: '' });
export const PrimitiveStringMultiline = primitive({ name: 'value', type: 'STRING', default: '', multiline: true });
export const PrimitiveBoolean = primitive({ name: 'value', type: 'BOOLEAN', default: false });
