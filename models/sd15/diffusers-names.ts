/**
 * Diffusers' parameter names for the SD 1.x UNet, VAE and CLIP text encoder, mapped to the
 * original (LDM) names this converter reads. The correspondence is fixed by the two codebases'
 * module layouts: diffusers numbers resnets/attentions inside each down/up block, LDM numbers
 * blocks across the whole UNet (`input_blocks.N`), and diffusers lists the decoder's up blocks in
 * the opposite order. Names are relative: UNet to `model.diffusion_model.`, VAE to `first_stage_model.`.
 */

/** What the UNet's numbering depends on, read from the diffusers names themselves. */
export interface DiffusersUnetLayout {
  layersPerBlock: number;
  /** Up blocks (diffusers order) that have attentions: their upsampler sits after the attention. */
  upBlocksWithAttention: ReadonlySet<number>;
}

const UNET_RESNET: Record<string, string> = {
  norm1: 'in_layers.0',
  conv1: 'in_layers.2',
  time_emb_proj: 'emb_layers.1',
  norm2: 'out_layers.0',
  conv2: 'out_layers.3',
  conv_shortcut: 'skip_connection',
};

const VAE_ATTENTION: Record<string, string> = {
  group_norm: 'norm',
  to_q: 'q',
  query: 'q',
  to_k: 'k',
  key: 'k',
  to_v: 'v',
  value: 'v',
  'to_out.0': 'proj_out',
  proj_attn: 'proj_out',
};

const resnet = (rest: string, table: Record<string, string>) => {
  const [, part, tail] = /^(.*)\.(weight|bias)$/.exec(rest) ?? [];
  return part !== undefined && part in table ? `${table[part]}.${tail}` : rest;
};

export function unetLayoutOf(names: Iterable<string>): DiffusersUnetLayout {
  let layersPerBlock = 0;
  const upBlocksWithAttention = new Set<number>();
  for (const name of names) {
    const down = /^down_blocks\.0\.resnets\.(\d+)\./.exec(name);
    if (down) layersPerBlock = Math.max(layersPerBlock, Number(down[1]) + 1);
    const up = /^up_blocks\.(\d+)\.attentions\./.exec(name);
    if (up) upBlocksWithAttention.add(Number(up[1]));
  }
  return { layersPerBlock, upBlocksWithAttention };
}

/** The LDM name of a diffusers UNet parameter, or undefined for a name outside the layout. */
export function ldmUnetName(name: string, layout: DiffusersUnetLayout): string | undefined {
  const per = layout.layersPerBlock + 1;
  const simple: [RegExp, string][] = [
    [/^time_embedding\.linear_1\./, 'time_embed.0.'],
    [/^time_embedding\.linear_2\./, 'time_embed.2.'],
    [/^conv_in\./, 'input_blocks.0.0.'],
    [/^conv_norm_out\./, 'out.0.'],
    [/^conv_out\./, 'out.2.'],
  ];
  for (const [pattern, replacement] of simple) if (pattern.test(name)) return name.replace(pattern, replacement);
  let m = /^down_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.+)$/.exec(name);
  if (m) {
    const block = 1 + Number(m[1]) * per + Number(m[3]);
    return m[2] === 'resnets' ? `input_blocks.${block}.0.${resnet(m[4], UNET_RESNET)}` : `input_blocks.${block}.1.${m[4]}`;
  }
  m = /^down_blocks\.(\d+)\.downsamplers\.0\.conv\.(.+)$/.exec(name);
  if (m) return `input_blocks.${(Number(m[1]) + 1) * per}.0.op.${m[2]}`;
  m = /^mid_block\.resnets\.(\d+)\.(.+)$/.exec(name);
  if (m) return `middle_block.${2 * Number(m[1])}.${resnet(m[2], UNET_RESNET)}`;
  m = /^mid_block\.attentions\.0\.(.+)$/.exec(name);
  if (m) return `middle_block.1.${m[1]}`;
  m = /^up_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.+)$/.exec(name);
  if (m) {
    const block = Number(m[1]) * per + Number(m[3]);
    return m[2] === 'resnets' ? `output_blocks.${block}.0.${resnet(m[4], UNET_RESNET)}` : `output_blocks.${block}.1.${m[4]}`;
  }
  m = /^up_blocks\.(\d+)\.upsamplers\.0\.conv\.(.+)$/.exec(name);
  if (m) {
    const level = Number(m[1]);
    return `output_blocks.${level * per + layout.layersPerBlock}.${layout.upBlocksWithAttention.has(level) ? 2 : 1}.conv.${m[2]}`;
  }
  return undefined;
}

/** Number of decoder up blocks: diffusers' up_blocks.0 is LDM's decoder.up.<last>. */
export function vaeUpBlockCount(names: Iterable<string>): number {
  let count = 0;
  for (const name of names) {
    const m = /^decoder\.up_blocks\.(\d+)\./.exec(name);
    if (m) count = Math.max(count, Number(m[1]) + 1);
  }
  return count;
}

/**
 * The LDM name of a diffusers VAE parameter, and whether its weight must become a 1x1 convolution
 * (diffusers' attention projections are linear layers, LDM's are convolutions of the same values).
 */
export function ldmVaeName(name: string, upBlocks: number): { name: string; toConv1x1: boolean } | undefined {
  const plain = (ldm: string) => ({ name: ldm, toConv1x1: false });
  if (/^(quant_conv|post_quant_conv)\./.test(name)) return plain(name);
  let m = /^(encoder|decoder)\.(conv_in|conv_out)\.(.+)$/.exec(name);
  if (m) return plain(name);
  m = /^(encoder|decoder)\.conv_norm_out\.(.+)$/.exec(name);
  if (m) return plain(`${m[1]}.norm_out.${m[2]}`);
  m = /^encoder\.down_blocks\.(\d+)\.resnets\.(\d+)\.(.+)$/.exec(name);
  if (m) return plain(`encoder.down.${m[1]}.block.${m[2]}.${resnet(m[3], { conv_shortcut: 'nin_shortcut' })}`);
  m = /^encoder\.down_blocks\.(\d+)\.downsamplers\.0\.conv\.(.+)$/.exec(name);
  if (m) return plain(`encoder.down.${m[1]}.downsample.conv.${m[2]}`);
  m = /^decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.(.+)$/.exec(name);
  if (m) return plain(`decoder.up.${upBlocks - 1 - Number(m[1])}.block.${m[2]}.${resnet(m[3], { conv_shortcut: 'nin_shortcut' })}`);
  m = /^decoder\.up_blocks\.(\d+)\.upsamplers\.0\.conv\.(.+)$/.exec(name);
  if (m) return plain(`decoder.up.${upBlocks - 1 - Number(m[1])}.upsample.conv.${m[2]}`);
  m = /^(encoder|decoder)\.mid_block\.resnets\.(\d+)\.(.+)$/.exec(name);
  if (m) return plain(`${m[1]}.mid.block_${Number(m[2]) + 1}.${resnet(m[3], { conv_shortcut: 'nin_shortcut' })}`);
  m = /^(encoder|decoder)\.mid_block\.attentions\.0\.(.+)\.(weight|bias)$/.exec(name);
  if (m && m[2] in VAE_ATTENTION) {
    const part = VAE_ATTENTION[m[2]];
    return { name: `${m[1]}.mid.attn_1.${part}.${m[3]}`, toConv1x1: part !== 'norm' && m[3] === 'weight' };
  }
  return undefined;
}

/** The hint encoder's last conv: after conv_in and six blocks, each followed by a SiLU. */
const HINT_OUT_INDEX = 14;

/**
 * The original-layout name (without `control_model.`) of a diffusers ControlNetModel parameter: the encoder copy is
 * named as the UNet's, the hint encoder `controlnet_cond_embedding.{conv_in, blocks.i, conv_out}` is
 * `input_hint_block.{0, 2 (i + 1), 14}` (SiLUs sit between, at the odd indices), `controlnet_down_blocks.i` is
 * `zero_convs.i.0` and `controlnet_mid_block` is `middle_block_out.0`.
 */
export function ldmControlNetName(name: string, layout: DiffusersUnetLayout): string | undefined {
  const m = /^controlnet_cond_embedding\.(conv_in|conv_out|blocks\.(\d+))\.(.+)$/.exec(name);
  if (m) {
    const index = m[1] === 'conv_in' ? 0 : m[1] === 'conv_out' ? HINT_OUT_INDEX : 2 * (Number(m[2]) + 1);
    return `input_hint_block.${index}.${m[3]}`;
  }
  const down = /^controlnet_down_blocks\.(\d+)\.(.+)$/.exec(name);
  if (down) return `zero_convs.${down[1]}.0.${down[2]}`;
  const mid = /^controlnet_mid_block\.(.+)$/.exec(name);
  if (mid) return `middle_block_out.0.${mid[1]}`;
  return ldmUnetName(name, layout);
}
