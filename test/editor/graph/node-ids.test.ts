import { describe, expect, it } from 'vitest';
import { nodeIdBase, uniqueNodeId } from '../../../editor/src/graph/node-ids.ts';

describe('node ids', () => {
  it('derives snake_case ids from node types', () => {
    expect(nodeIdBase('VAEDecode')).toBe('vae_decode');
    expect(nodeIdBase('UNetStep')).toBe('unet_step');
    expect(nodeIdBase('EmptyLatent')).toBe('empty_latent');
    expect(nodeIdBase('my-plugin/Thing')).toBe('my_plugin_thing');
    expect(nodeIdBase('!!')).toBe('node');
  });

  it('appends the first free number', () => {
    expect(uniqueNodeId('save', new Set())).toBe('save');
    expect(uniqueNodeId('save', new Set(['save', 'save_2']))).toBe('save_3');
  });
});
