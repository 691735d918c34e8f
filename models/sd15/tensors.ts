import type { SD15Config, TextEncoderConfig, UnetConfig, VaeConfig } from './config.ts';
import { unetLayout } from './unet-layout.ts';
import type { UnetLayer } from './unet-layout.ts';
import { decoderLevels, encoderLevels, vaeMiddle } from './vae-layout.ts';
import type { VaeResBlock } from './vae-layout.ts';

export const TEXT_PREFIX = 'cond_stage_model.transformer.text_model.';
export const UNET_PREFIX = 'model.diffusion_model.';
export const VAE_PREFIX = 'first_stage_model.';

type Shapes = Map<string, number[]>;

/** Every checkpoint tensor (CompVis names) the model of `config` needs, with its shape. */
export function expectedTensors(config: SD15Config): Shapes {
  return new Map([...textEncoderTensors(config.text), ...unetTensors(config.unet), ...vaeTensors(config.vae)]);
}

export function textEncoderTensors(text: TextEncoderConfig): Shapes {
  const shapes: Shapes = new Map();
  const add = (key: string, shape: number[]) => shapes.set(TEXT_PREFIX + key, shape);
  const norm = (key: string) => { add(`${key}.weight`, [text.width]); add(`${key}.bias`, [text.width]); };
  const linear = (key: string, out: number, inp: number) => { add(`${key}.weight`, [out, inp]); add(`${key}.bias`, [out]); };
  add('embeddings.token_embedding.weight', [text.vocab, text.width]);
  add('embeddings.position_embedding.weight', [text.positions, text.width]);
  for (let i = 0; i < text.layers; i++) {
    const layer = `encoder.layers.${i}`;
    for (const proj of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) linear(`${layer}.self_attn.${proj}`, text.width, text.width);
    norm(`${layer}.layer_norm1`);
    norm(`${layer}.layer_norm2`);
    linear(`${layer}.mlp.fc1`, text.ffn, text.width);
    linear(`${layer}.mlp.fc2`, text.width, text.ffn);
  }
  norm('final_layer_norm');
  return shapes;
}

export function unetTensors(unet: UnetConfig): Shapes {
  const shapes: Shapes = new Map();
  const add = (key: string, shape: number[]) => shapes.set(UNET_PREFIX + key, shape);
  const layout = unetLayout(unet);
  const temb = layout.timeEmbedDim;
  const c0 = unet.channels[0];
  const conv = (key: string, out: number, inp: number, k: number) => { add(`${key}.weight`, [out, inp, k, k]); add(`${key}.bias`, [out]); };
  const vector = (key: string, c: number) => { add(`${key}.weight`, [c]); add(`${key}.bias`, [c]); };

  add('time_embed.0.weight', [temb, c0]);
  add('time_embed.0.bias', [temb]);
  add('time_embed.2.weight', [temb, temb]);
  add('time_embed.2.bias', [temb]);
  conv('input_blocks.0.0', c0, unet.inChannels, 3);

  const layer = (l: UnetLayer) => {
    if (l.kind === 'down') return conv(`${l.prefix}.op`, l.channels, l.channels, 3);
    if (l.kind === 'up') return conv(`${l.prefix}.conv`, l.channels, l.channels, 3);
    if (l.kind === 'res') {
      vector(`${l.prefix}.in_layers.0`, l.inChannels);
      conv(`${l.prefix}.in_layers.2`, l.outChannels, l.inChannels, 3);
      add(`${l.prefix}.emb_layers.1.weight`, [l.outChannels, temb]);
      add(`${l.prefix}.emb_layers.1.bias`, [l.outChannels]);
      vector(`${l.prefix}.out_layers.0`, l.outChannels);
      conv(`${l.prefix}.out_layers.3`, l.outChannels, l.outChannels, 3);
      if (l.inChannels !== l.outChannels) conv(`${l.prefix}.skip_connection`, l.outChannels, l.inChannels, 1);
      return;
    }
    const c = l.channels;
    const block = `${l.prefix}.transformer_blocks.0`;
    vector(`${l.prefix}.norm`, c);
    conv(`${l.prefix}.proj_in`, c, c, 1);
    for (const attn of ['attn1', 'attn2']) {
      const context = attn === 'attn1' ? c : unet.contextDim;
      add(`${block}.${attn}.to_q.weight`, [c, c]);
      add(`${block}.${attn}.to_k.weight`, [c, context]);
      add(`${block}.${attn}.to_v.weight`, [c, context]);
      add(`${block}.${attn}.to_out.0.weight`, [c, c]);
      add(`${block}.${attn}.to_out.0.bias`, [c]);
    }
    add(`${block}.ff.net.0.proj.weight`, [8 * c, c]);
    add(`${block}.ff.net.0.proj.bias`, [8 * c]);
    add(`${block}.ff.net.2.weight`, [c, 4 * c]);
    add(`${block}.ff.net.2.bias`, [c]);
    for (const norm of ['norm1', 'norm2', 'norm3']) vector(`${block}.${norm}`, c);
    conv(`${l.prefix}.proj_out`, c, c, 1);
  };
  for (const block of [...layout.inputBlocks, layout.middle, ...layout.outputBlocks]) block.forEach(layer);

  vector('out.0', c0);
  conv('out.2', unet.outChannels, c0, 3);
  return shapes;
}

export function vaeTensors(vae: VaeConfig): Shapes {
  const shapes: Shapes = new Map();
  const add = (key: string, shape: number[]) => shapes.set(VAE_PREFIX + key, shape);
  const conv = (key: string, out: number, inp: number, k: number) => { add(`${key}.weight`, [out, inp, k, k]); add(`${key}.bias`, [out]); };
  const vector = (key: string, c: number) => { add(`${key}.weight`, [c]); add(`${key}.bias`, [c]); };
  const res = (b: VaeResBlock) => {
    vector(`${b.prefix}.norm1`, b.inChannels);
    conv(`${b.prefix}.conv1`, b.outChannels, b.inChannels, 3);
    vector(`${b.prefix}.norm2`, b.outChannels);
    conv(`${b.prefix}.conv2`, b.outChannels, b.outChannels, 3);
    if (b.inChannels !== b.outChannels) conv(`${b.prefix}.nin_shortcut`, b.outChannels, b.inChannels, 1);
  };
  const middle = (side: 'encoder' | 'decoder', c: number) => {
    const mid = vaeMiddle(side, c);
    res(mid.block1);
    vector(`${mid.attention}.norm`, c);
    for (const proj of ['q', 'k', 'v', 'proj_out']) conv(`${mid.attention}.${proj}`, c, c, 1);
    res(mid.block2);
  };
  const first = vae.channels[0];
  const last = vae.channels[vae.channels.length - 1];
  const z = vae.latentChannels;

  conv('encoder.conv_in', first, vae.imageChannels, 3);
  for (const level of encoderLevels(vae)) {
    level.blocks.forEach(res);
    if (level.resample) conv(level.resample, level.blocks[0].outChannels, level.blocks[0].outChannels, 3);
  }
  middle('encoder', last);
  vector('encoder.norm_out', last);
  conv('encoder.conv_out', 2 * z, last, 3);
  conv('quant_conv', 2 * z, 2 * z, 1);

  conv('post_quant_conv', z, z, 1);
  conv('decoder.conv_in', last, z, 3);
  middle('decoder', last);
  for (const level of decoderLevels(vae)) {
    level.blocks.forEach(res);
    if (level.resample) conv(level.resample, level.blocks[0].outChannels, level.blocks[0].outChannels, 3);
  }
  vector('decoder.norm_out', first);
  conv('decoder.conv_out', vae.imageChannels, first, 3);
  return shapes;
}
