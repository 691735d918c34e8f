import { describe, expect, it } from 'vitest';
import { layeredLayout } from '../../../editor/src/graph/auto-arrange.ts';

const box = (id: string, height = 100) => ({ id, width: 200, height });

describe('layered auto-arrange', () => {
  it('puts each node one column right of its furthest input', () => {
    const nodes = [box('save'), box('model'), box('decode'), box('unet'), box('latent')];
    const edges = [
      { from: 'model', to: 'unet' }, { from: 'latent', to: 'unet' }, { from: 'unet', to: 'decode' },
      { from: 'model', to: 'decode' }, { from: 'decode', to: 'save' },
    ];
    const at = layeredLayout(nodes, edges, { columnGap: 50, rowGap: 10 });
    expect(at.get('model')!.x).toBe(0);
    expect(at.get('latent')!.x).toBe(0);
    expect(at.get('unet')!.x).toBe(250);
    expect(at.get('decode')!.x).toBe(500);
    expect(at.get('save')!.x).toBe(750);
  });

  it('stacks a column without overlap and centres shorter columns', () => {
    const at = layeredLayout([box('a', 100), box('b', 300), box('c', 50)], [{ from: 'a', to: 'c' }, { from: 'b', to: 'c' }], { rowGap: 20 });
    expect(at.get('a')!.y).toBe(0);
    expect(at.get('b')!.y).toBe(120);
    expect(at.get('c')!.y).toBe((420 - 50) / 2);
  });

  it('orders a column by the rows of the nodes feeding it', () => {
    const nodes = [box('top'), box('bottom'), box('fromBottom'), box('fromTop')];
    const at = layeredLayout(nodes, [{ from: 'top', to: 'fromTop' }, { from: 'bottom', to: 'fromBottom' }]);
    expect(at.get('fromTop')!.y).toBeLessThan(at.get('fromBottom')!.y);
  });

  it('terminates on a cycle and still places every node', () => {
    const at = layeredLayout([box('a'), box('b')], [{ from: 'a', to: 'b' }, { from: 'b', to: 'a' }]);
    expect([...at.keys()].sort()).toEqual(['a', 'b']);
  });
});
