import type { ComfyClass, ComfyInputSpec } from '../class-entry.ts';
import { out } from '../class-entry.ts';
import { inputImageName } from './image.ts';

const MASK_OUT = [{ name: 'MASK', type: 'MASK' }];

/** A mask class whose latentflow node has the same name and inputs. */
function sameNamed(type: string, inputs: ComfyInputSpec[]): ComfyClass {
  return {
    uses: [type],
    category: 'mask',
    description: `${type}.`,
    inputs,
    outputs: MASK_OUT,
    translate(node) {
      const valueOf = (name: string) => (name === 'image' ? inputImageName(node) : node.value(name));
      const values = Object.fromEntries(inputs.map((spec) => [spec.name, spec.type === 'MASK' ? node.link(spec.name) : valueOf(spec.name)]));
      return [out(node.add('', type, values), 'mask')];
    },
  };
}

const mask = { name: 'mask', type: 'MASK' };
const edge = (name: string): ComfyInputSpec => ({ name, type: 'INT', default: 0, min: 0, max: 16384, step: 1 });

export const LoadImageMask: ComfyClass = sameNamed('LoadImageMask', [
  { name: 'image', type: 'COMBO', choices: (env) => env.inputImages, imageUpload: true },
  { name: 'channel', type: 'COMBO', choices: () => ['alpha', 'red', 'green', 'blue'] },
]);
export const InvertMask = sameNamed('InvertMask', [mask]);
export const GrowMask = sameNamed('GrowMask', [mask, { name: 'expand', type: 'INT', default: 0, min: -16384, max: 16384, step: 1 }, { name: 'tapered_corners', type: 'BOOLEAN', default: true }]);
export const FeatherMask = sameNamed('FeatherMask', [mask, edge('left'), edge('top'), edge('right'), edge('bottom')]);
export const ThresholdMask = sameNamed('ThresholdMask', [mask, { name: 'value', type: 'FLOAT', default: 0.5, min: 0, max: 1, step: 0.01 }]);
export const MaskComposite = sameNamed('MaskComposite', [
  { name: 'destination', type: 'MASK' },
  { name: 'source', type: 'MASK' },
  { name: 'x', type: 'INT', default: 0, min: 0, max: 16384, step: 1 },
  { name: 'y', type: 'INT', default: 0, min: 0, max: 16384, step: 1 },
  { name: 'operation', type: 'COMBO', choices: () => ['multiply', 'add', 'subtract', 'and', 'or', 'xor'] },
]);
