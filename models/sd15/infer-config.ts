import { CLIP_HEAD_SIZE, GROUPS, UNET_HEADS } from './config.ts';
import type { SD15Config, TextEncoderConfig, UnetConfig, VaeConfig } from './config.ts';
import { TEXT_PREFIX, UNET_PREFIX, VAE_PREFIX } from './tensors.ts';

type Shapes = Map<string, number[]>;

/**
 * Reads the sizes of an SD 1.5-architecture model from its checkpoint tensor names and shapes.
 * Head counts are not visible in shapes: CLIP uses width/64 heads, the UNet 8 (SD 1.5's rules).
 * Throws naming the first tensor it needs and cannot find.
 */
export function inferConfig(shapes: Shapes): SD15Config {
  return { text: inferText(shapes), unet: inferUnet(shapes), vae: inferVae(shapes) };
}

function shapeOf(shapes: Shapes, key: string): number[] {
  const shape = shapes.get(key);
  if (!shape) throw new Error(`checkpoint has no tensor ${key}: not an SD 1.5 checkpoint, or a different layout`);
  return shape;
}

function countIndexed(shapes: Shapes, prefix: string): number {
  let count = 0;
  for (const key of shapes.keys()) {
    if (!key.startsWith(prefix)) continue;
    const index = Number.parseInt(key.slice(prefix.length), 10);
    if (Number.isInteger(index)) count = Math.max(count, index + 1);
  }
  return count;
}

function inferText(shapes: Shapes): TextEncoderConfig {
  const [vocab, width] = shapeOf(shapes, `${TEXT_PREFIX}embeddings.token_embedding.weight`);
  const [positions] = shapeOf(shapes, `${TEXT_PREFIX}embeddings.position_embedding.weight`);
  const [ffn] = shapeOf(shapes, `${TEXT_PREFIX}encoder.layers.0.mlp.fc1.weight`);
  const layers = countIndexed(shapes, `${TEXT_PREFIX}encoder.layers.`);
  if (width % CLIP_HEAD_SIZE !== 0) throw new Error(`text encoder width ${width} is not a multiple of ${CLIP_HEAD_SIZE}`);
  return { vocab, width, layers, heads: width / CLIP_HEAD_SIZE, positions, ffn };
}

/**
 * The UNet sizes from the tensors under `prefix`. A ControlNet (encoder copy, no decoder) has no `out.2`:
 * its UNet's output channels are taken to be its input channels, as in SD 1.5.
 */
export function inferUnet(shapes: Shapes, prefix = UNET_PREFIX): UnetConfig {
  const key = (k: string) => `${prefix}${k}`;
  const [first, inChannels] = shapeOf(shapes, key('input_blocks.0.0.weight'));
  const [outChannels] = prefix === UNET_PREFIX ? shapeOf(shapes, key('out.2.weight')) : [inChannels];
  const blocks = countIndexed(shapes, key('input_blocks.'));
  const channels: number[] = [];
  const attention: boolean[] = [];
  const perLevel: number[] = [0];
  for (let i = 1; i < blocks; i++) {
    if (shapes.has(key(`input_blocks.${i}.0.op.weight`))) {
      perLevel.push(0);
      continue;
    }
    const [out] = shapeOf(shapes, key(`input_blocks.${i}.0.in_layers.2.weight`));
    const level = perLevel.length - 1;
    channels[level] = out;
    attention[level] = shapes.has(key(`input_blocks.${i}.1.proj_in.weight`));
    perLevel[level]++;
  }
  if (channels[0] !== first) throw new Error(`UNet conv_in has ${first} channels but the first level ${channels[0]}`);
  if (new Set(perLevel).size !== 1) throw new Error(`UNet levels have different block counts: ${perLevel.join(', ')}`);
  const [, contextDim] = shapeOf(shapes, key('middle_block.1.transformer_blocks.0.attn2.to_k.weight'));
  return { inChannels, outChannels, channels, attention, layersPerBlock: perLevel[0], heads: UNET_HEADS, contextDim, groups: GROUPS };
}

/** The VAE's sizes alone (a separate VAE file, read under `first_stage_model.` names). */
export function inferVae(shapes: Shapes): VaeConfig {
  const key = (k: string) => `${VAE_PREFIX}${k}`;
  const [, imageChannels] = shapeOf(shapes, key('encoder.conv_in.weight'));
  const [latentChannels] = shapeOf(shapes, key('post_quant_conv.weight'));
  const levels = countIndexed(shapes, key('encoder.down.'));
  const channels = Array.from({ length: levels }, (_, level) => shapeOf(shapes, key(`encoder.down.${level}.block.0.conv1.weight`))[0]);
  const blocks = countIndexed(shapes, key('encoder.down.0.block.'));
  return { imageChannels, latentChannels, channels, blocks, groups: GROUPS };
}
