import { describe, expect, it } from 'vitest';
import { normalizeDescriptions } from '../../../editor/src/api/node-descriptions.ts';

describe('normalizing /api/nodes', () => {
  it('keys list-shaped inputs and outputs by name, keeping their order', () => {
    const [node] = normalizeDescriptions([{
      type: 'UNetStep', displayName: 'UNet', category: 'sampling', description: '', output: false,
      inputs: [{ name: 'unet', kind: 'socket', type: 'UNET', optional: false }, { name: 'cfg', kind: 'float', default: 7, socketType: 'FLOAT' }],
      outputs: [{ name: 'latent', type: 'LATENT' }],
    }]);
    expect(Object.keys(node.inputs)).toEqual(['unet', 'cfg']);
    expect(node.inputs.cfg).toEqual({ kind: 'float', default: 7, socketType: 'FLOAT' });
    expect(node.outputs).toEqual({ latent: { type: 'LATENT' } });
  });

  it('accepts descriptions already keyed by name', () => {
    const [node] = normalizeDescriptions([{ type: 'X', displayName: 'X', category: 'c', description: '', inputs: { a: { kind: 'boolean', default: true } }, outputs: {} }]);
    expect(node.inputs).toEqual({ a: { kind: 'boolean', default: true } });
  });
});
