import { describe, expect, it } from 'vitest';
import { prepareFragment } from '../../../editor/src/graph/clipboard.ts';
import type { Workflow } from '../../../editor/src/workflow/types.ts';

describe('pasting a copied fragment', () => {
  const fragment: Workflow = {
    version: 1,
    nodes: {
      unet: { type: 'UNetStep', inputs: { latent: { from: 'latent', output: 'latent' }, unet: { from: 'model', output: 'unet' }, seed: 5 } },
      latent: { type: 'EmptyLatent', inputs: { width: 64 } },
    },
    ui: { positions: { unet: [100, 100], latent: [0, 0] }, seedModes: { 'unet.seed': 'randomize' } },
  };

  it('renames clashing ids, relinks inside the fragment and drops links leaving it', () => {
    const pasted = prepareFragment(fragment, new Set(['unet', 'latent', 'empty_latent']), [40, 40]);
    expect(Object.keys(pasted.nodes)).toEqual(['unet_step', 'empty_latent_2']);
    expect(pasted.nodes.unet_step.inputs).toEqual({ latent: { from: 'empty_latent_2', output: 'latent' }, seed: 5 });
    expect(pasted.ui?.positions).toEqual({ unet_step: [140, 140], empty_latent_2: [40, 40] });
    expect(pasted.ui?.seedModes).toEqual({ 'unet_step.seed': 'randomize' });
  });

  it('keeps ids that are free', () => {
    const pasted = prepareFragment(fragment, new Set(), [0, 0]);
    expect(Object.keys(pasted.nodes)).toEqual(['unet', 'latent']);
  });
});
