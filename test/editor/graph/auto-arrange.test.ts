import { describe, expect, it } from 'vitest';
import { arrangeSelection, layeredLayout, type PlacedNode } from '../../../editor/src/graph/auto-arrange.ts';

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

describe('arranging a selection', () => {
  const placed = (id: string, x: number, y: number): PlacedNode => ({ id, width: 200, height: 100, x, y });
  const overlaps = (a: PlacedNode, b: PlacedNode) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

  it('never places a selected node on top of an unselected one', () => {
    // Three selected nodes stacked at the left; laid out as a chain they reach right into `bystander`.
    const selected = [placed('a', 0, 0), placed('b', 0, 150), placed('c', 0, 300)];
    const others = [placed('bystander', 280, 0), placed('below', 600, 140)];
    const at = arrangeSelection(selected, others, [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }], { columnGap: 80, rowGap: 40 });
    const moved = selected.map((n) => ({ ...n, ...at.get(n.id)! }));
    for (const node of moved) for (const other of others) expect(overlaps(node, other), `${node.id} over ${other.id}`).toBe(false);
    expect(moved.map((n) => n.x)).toEqual([0, 280, 560]);
  });

  it('keeps the selection where it was when nothing is in the way', () => {
    const selected = [placed('a', 500, 400), placed('b', 520, 700)];
    const at = arrangeSelection(selected, [placed('far', -1000, -1000)], [{ from: 'a', to: 'b' }], { columnGap: 80 });
    expect(at.get('a')).toEqual({ x: 500, y: 400 });
    expect(at.get('b')).toEqual({ x: 780, y: 400 });
  });

  it('moves only the selected nodes', () => {
    const at = arrangeSelection([placed('a', 0, 0), placed('b', 0, 200)], [placed('other', 0, 500)], []);
    expect([...at.keys()].sort()).toEqual(['a', 'b']);
  });
});
