import { describe, expect, it } from 'vitest';
import { groupByCategory, searchNodes } from '../../../editor/src/graph/categories.ts';
import { DESCRIPTIONS } from '../fixtures.ts';

const names = (groups: ReturnType<typeof groupByCategory>) => groups.map(([c, list]) => [c, list.map((n) => n.type)]);

describe('node categories for the palette and the menu', () => {
  it('groups by category, both sorted', () => {
    expect(names(groupByCategory(DESCRIPTIONS))).toEqual([
      ['conditioning', ['Tokenizer']],
      ['image', ['SaveImage']],
      ['latent', ['EmptyLatent', 'VAEDecode']],
      ['loaders', ['LoadModel']],
      ['sampling', ['UNetStep']],
    ]);
  });

  it('searches names, types, categories and descriptions across all categories', () => {
    expect(names(searchNodes(DESCRIPTIONS, 'vae'))).toEqual([['latent', ['VAEDecode']]]);
    expect(names(searchNodes(DESCRIPTIONS, 'LATENT'))).toEqual([['latent', ['EmptyLatent', 'VAEDecode']]]);
    expect(names(searchNodes(DESCRIPTIONS, 'writes png'))).toEqual([['image', ['SaveImage']]]);
    expect(searchNodes(DESCRIPTIONS, 'nothing like this')).toEqual([]);
    expect(searchNodes(DESCRIPTIONS, '  ')).toHaveLength(5);
  });
});
