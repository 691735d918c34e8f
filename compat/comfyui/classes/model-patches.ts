import type { ComfyClass } from '../class-entry.ts';
import { out } from '../class-entry.ts';

const factor = (name: string, value: number) => ({ name, type: 'FLOAT', default: value, min: 0, max: 10, step: 0.01 } as const);

/** FreeU and FreeU_V2 with ComfyUI's defaults (latentflow's own nodes default to the paper's SD 1.5 values). */
const freeU = (type: 'FreeU' | 'FreeU_V2', b1: number, b2: number): ComfyClass => ({
  uses: [type],
  category: 'model_patches/unet',
  description: `${type}: backbone and skip factors on the UNet's decoder (a UNet variant with the factors as inputs).`,
  inputs: [{ name: 'model', type: 'MODEL' }, factor('b1', b1), factor('b2', b2), factor('s1', 0.9), factor('s2', 0.2)],
  outputs: [{ name: 'MODEL', type: 'MODEL' }],
  translate: (node) => [
    out(node.add('', type, {
      unet: node.link('model'), b1: node.value('b1'), b2: node.value('b2'), s1: node.value('s1'), s2: node.value('s2'),
    }), 'unet'),
  ],
});

export const FreeU = freeU('FreeU', 1.1, 1.2);
export const FreeU_V2 = freeU('FreeU_V2', 1.3, 1.4);
