import type { SD15Config, UnetConfig } from '../sd15/config.ts';
import { TEXT_PREFIX, UNET_PREFIX, textEncoderTensors, unetTensors } from '../sd15/tensors.ts';

export type LoraNetwork = 'unet' | 'text_encoder';

/** A weight an adapter can change: a linear or convolution weight of the UNet or the text encoder. */
export interface LoraTarget {
  network: LoraNetwork;
  /** Checkpoint (CompVis) name, e.g. `model.diffusion_model.input_blocks.1.1.proj_in.weight`. */
  key: string;
  shape: number[];
}

/**
 * Every adaptable weight of a model by the module names adapters use, with `.` and `_` both read
 * as `_` (kohya flattens the dots, PEFT keeps them): UNet modules under their CompVis names and
 * their diffusers names, text encoder modules under the Hugging Face CLIP names.
 */
export function loraTargets(config: SD15Config): Map<string, LoraTarget> {
  const targets = new Map<string, LoraTarget>();
  const renames = diffusersNames(config.unet);
  for (const [key, shape] of unetTensors(config.unet)) {
    if (!key.endsWith('.weight') || shape.length < 2) continue;
    const module = key.slice(UNET_PREFIX.length, -'.weight'.length);
    const target: LoraTarget = { network: 'unet', key, shape };
    targets.set(targetName('unet', module), target);
    targets.set(targetName('unet', toDiffusers(module, renames)), target);
  }
  for (const [key, shape] of textEncoderTensors(config.text)) {
    if (!key.endsWith('.weight') || shape.length < 2 || key.includes('.embeddings.')) continue;
    const module = `text_model.${key.slice(TEXT_PREFIX.length, -'.weight'.length)}`;
    targets.set(targetName('text_encoder', module), { network: 'text_encoder', key, shape });
  }
  return targets;
}

/** How targets are looked up: the network and the module path with every `.` as `_`. */
export const targetName = (network: LoraNetwork, module: string) => `${network}:${module.replaceAll('.', '_')}`;

const RESNET_PARTS: [string, string][] = [
  ['in_layers.0', 'norm1'], ['in_layers.2', 'conv1'], ['emb_layers.1', 'time_emb_proj'],
  ['out_layers.0', 'norm2'], ['out_layers.3', 'conv2'], ['skip_connection', 'conv_shortcut'],
];

interface Rename { from: string; to: string; resnet: boolean }

/** CompVis block prefixes and their diffusers names, following the block order of unetLayout. */
function diffusersNames(unet: UnetConfig): Rename[] {
  const { channels, attention, layersPerBlock } = unet;
  const levels = channels.length;
  const renames: Rename[] = [
    { from: 'time_embed.0', to: 'time_embedding.linear_1', resnet: false },
    { from: 'time_embed.2', to: 'time_embedding.linear_2', resnet: false },
    { from: 'input_blocks.0.0', to: 'conv_in', resnet: false },
    { from: 'out.0', to: 'conv_norm_out', resnet: false },
    { from: 'out.2', to: 'conv_out', resnet: false },
    { from: 'middle_block.0', to: 'mid_block.resnets.0', resnet: true },
    { from: 'middle_block.1', to: 'mid_block.attentions.0', resnet: false },
    { from: 'middle_block.2', to: 'mid_block.resnets.1', resnet: true },
  ];
  let block = 0;
  for (let level = 0; level < levels; level++) {
    for (let j = 0; j < layersPerBlock; j++) {
      block++;
      renames.push({ from: `input_blocks.${block}.0`, to: `down_blocks.${level}.resnets.${j}`, resnet: true });
      renames.push({ from: `input_blocks.${block}.1`, to: `down_blocks.${level}.attentions.${j}`, resnet: false });
    }
    if (level < levels - 1) renames.push({ from: `input_blocks.${++block}.0.op`, to: `down_blocks.${level}.downsamplers.0.conv`, resnet: false });
  }
  let out = 0;
  for (let level = levels - 1; level >= 0; level--) {
    const up = levels - 1 - level;
    for (let j = 0; j <= layersPerBlock; j++, out++) {
      renames.push({ from: `output_blocks.${out}.0`, to: `up_blocks.${up}.resnets.${j}`, resnet: true });
      if (attention[level]) renames.push({ from: `output_blocks.${out}.1`, to: `up_blocks.${up}.attentions.${j}`, resnet: false });
      if (level > 0 && j === layersPerBlock) {
        renames.push({ from: `output_blocks.${out}.${attention[level] ? 2 : 1}.conv`, to: `up_blocks.${up}.upsamplers.0.conv`, resnet: false });
      }
    }
  }
  return renames;
}

function toDiffusers(module: string, renames: Rename[]): string {
  for (const { from, to, resnet } of renames) {
    if (module !== from && !module.startsWith(`${from}.`)) continue;
    let rest = module.slice(from.length);
    if (resnet) for (const [ldm, diffusers] of RESNET_PARTS) if (rest === `.${ldm}`) rest = `.${diffusers}`;
    return to + rest;
  }
  return module;
}
