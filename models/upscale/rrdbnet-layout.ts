import type { TensorInfo } from '../checkpoint/types.ts';
import { upscaleModelInvalid, upscaleModelUnrecognized } from '../checkpoint/errors.ts';
import { rrdbnetTensors, type RrdbnetConfig } from './rrdbnet-config.ts';

/**
 * Reads an RRDBNet's sizes from its tensor list, in either key layout, and names each tensor in the
 * new layout. Old ESRGAN files number an `nn.Sequential`: `model.0` is conv_first,
 * `model.1.sub.N.RDBk.convj.0` the blocks, `model.1.sub.<numBlock>` conv_body, then per upsample
 * [Upsample, conv, LeakyReLU] (convs at model.3, model.6, ...), then conv_hr and conv_last.
 */
export interface RrdbnetLayout {
  layout: 'basicsr' | 'esrgan';
  config: RrdbnetConfig;
  /** Name of each new-layout tensor in the file. */
  fileKey(name: string): string;
}

const count = (names: Set<string>, key: (i: number) => string) => {
  let n = 0;
  while (names.has(key(n))) n++;
  return n;
};

export function readRrdbnetLayout(path: string, tensors: readonly TensorInfo[]): RrdbnetLayout {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const names = new Set(byName.keys());
  const layout = names.has('conv_first.weight') ? basicsr(names) : names.has('model.0.weight') ? esrgan(names) : undefined;
  if (!layout) throw upscaleModelUnrecognized(path, tensors.slice(0, 5).map((t) => t.name));
  const shapeOf = (name: string) => byName.get(layout.fileKey(name))?.shape;
  const first = shapeOf('conv_first.weight');
  const firstDense = shapeOf('body.0.rdb1.conv1.weight');
  const last = shapeOf('conv_last.weight');
  if (!first || !firstDense || !last || first.length !== 4 || firstDense.length !== 4 || last.length !== 4) {
    throw upscaleModelInvalid(path, ['conv_first, body.0.rdb1.conv1 and conv_last must be 3x3 convolutions']);
  }
  const channels = last[0];
  const unshuffle = Math.round(Math.sqrt(first[1] / channels));
  if (![1, 2, 4].includes(unshuffle) || unshuffle ** 2 * channels !== first[1]) {
    throw upscaleModelInvalid(path, [`conv_first takes ${first[1]} channels: not ${channels} image channels unshuffled by 1, 2 or 4`]);
  }
  if (layout.layout === 'esrgan' && unshuffle !== 1) throw upscaleModelInvalid(path, ['old ESRGAN files have no pixel unshuffle']);
  const config: RrdbnetConfig = { channels, numFeat: first[0], numBlock: layout.numBlock, growth: firstDense[0], unshuffle, upsamples: layout.upsamples };
  checkShapes(path, config, (name) => byName.get(layout.fileKey(name))?.shape);
  return { layout: layout.layout, config, fileKey: layout.fileKey };
}

function checkShapes(path: string, config: RrdbnetConfig, shapeOf: (name: string) => number[] | undefined): void {
  const problems: string[] = [];
  for (const [name, expected] of rrdbnetTensors(config)) {
    const actual = shapeOf(name);
    if (!actual) problems.push(`${name} missing`);
    else if (actual.join() !== expected.join()) problems.push(`${name}: expected [${expected}], found [${actual}]`);
  }
  if (problems.length > 0) throw upscaleModelInvalid(path, problems);
}

interface Found { layout: RrdbnetLayout['layout']; numBlock: number; upsamples: number; fileKey(name: string): string }

function basicsr(names: Set<string>): Found {
  return {
    layout: 'basicsr',
    numBlock: count(names, (b) => `body.${b}.rdb1.conv1.weight`),
    upsamples: count(names, (u) => `conv_up${u + 1}.weight`),
    fileKey: (name) => name,
  };
}

function esrgan(names: Set<string>): Found {
  const numBlock = count(names, (b) => `model.1.sub.${b}.RDB1.conv1.0.weight`);
  const upsamples = count(names, (u) => `model.${3 + 3 * u}.weight`);
  return { layout: 'esrgan', numBlock, upsamples, fileKey: (name) => esrganName(name, { numBlock, upsamples }) };
}

/** The old ESRGAN name of a new-layout tensor. */
export function esrganName(name: string, sizes: Pick<RrdbnetConfig, 'numBlock' | 'upsamples'>): string {
  const dot = name.lastIndexOf('.');
  const [module, param] = [name.slice(0, dot), name.slice(dot + 1)];
  const dense = /^body\.(\d+)\.rdb(\d)\.conv(\d)$/.exec(module);
  if (dense) return `model.1.sub.${dense[1]}.RDB${dense[2]}.conv${dense[3]}.0.${param}`;
  const up = /^conv_up(\d+)$/.exec(module);
  if (up) return `model.${3 * Number(up[1])}.${param}`;
  const hr = 3 * sizes.upsamples + 2;
  const fixed: Record<string, string> = {
    conv_first: 'model.0', conv_body: `model.1.sub.${sizes.numBlock}`, conv_hr: `model.${hr}`, conv_last: `model.${hr + 2}`,
  };
  return `${fixed[module] ?? module}.${param}`;
}
