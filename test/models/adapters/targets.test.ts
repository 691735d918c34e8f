import { describe, expect, it } from 'vitest';
import { FULL_SD15_CONFIG } from '../../../models/sd15/index.ts';
import { loraTargets, targetName } from '../../../models/adapters/targets.ts';

describe('loraTargets', () => {
  const targets = loraTargets(FULL_SD15_CONFIG);
  const unet = (module: string) => targets.get(targetName('unet', module))?.key.replace('model.diffusion_model.', '');

  it('finds UNet layers by their CompVis names with dots or underscores', () => {
    expect(unet('input_blocks.1.1.transformer_blocks.0.attn1.to_q')).toBe('input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight');
    expect(unet('input_blocks_4_1_proj_in')).toBe('input_blocks.4.1.proj_in.weight');
  });

  it('maps diffusers block names onto the CompVis layers they are (SD 1.5 layout)', () => {
    expect(unet('down_blocks_0_attentions_0_transformer_blocks_0_attn1_to_q')).toBe('input_blocks.1.1.transformer_blocks.0.attn1.to_q.weight');
    expect(unet('down_blocks.1.attentions.1.proj_out')).toBe('input_blocks.5.1.proj_out.weight');
    expect(unet('down_blocks_1_downsamplers_0_conv')).toBe('input_blocks.6.0.op.weight');
    expect(unet('down_blocks_3_resnets_1_conv2')).toBe('input_blocks.11.0.out_layers.3.weight');
    expect(unet('mid_block_attentions_0_transformer_blocks_0_attn2_to_k')).toBe('middle_block.1.transformer_blocks.0.attn2.to_k.weight');
    expect(unet('mid_block_resnets_1_time_emb_proj')).toBe('middle_block.2.emb_layers.1.weight');
    expect(unet('up_blocks_0_resnets_2_conv1')).toBe('output_blocks.2.0.in_layers.2.weight');
    expect(unet('up_blocks_0_upsamplers_0_conv')).toBe('output_blocks.2.1.conv.weight');
    expect(unet('up_blocks_1_upsamplers_0_conv')).toBe('output_blocks.5.2.conv.weight');
    expect(unet('up_blocks_3_attentions_2_transformer_blocks_0_ff_net_0_proj')).toBe('output_blocks.11.1.transformer_blocks.0.ff.net.0.proj.weight');
    expect(unet('up_blocks_2_resnets_0_conv_shortcut')).toBe('output_blocks.6.0.skip_connection.weight');
    expect(unet('conv_in')).toBe('input_blocks.0.0.weight');
    expect(unet('time_embedding_linear_2')).toBe('time_embed.2.weight');
  });

  it('finds text encoder layers by their Hugging Face CLIP names', () => {
    expect(targets.get(targetName('text_encoder', 'text_model_encoder_layers_11_mlp_fc2'))?.key)
      .toBe('cond_stage_model.transformer.text_model.encoder.layers.11.mlp.fc2.weight');
  });

  it('leaves out what no adapter changes: norms, biases, embeddings', () => {
    const keys = [...targets.values()].map((t) => t.key);
    expect(keys.some((key) => /norm|bias|embedding/.test(key.replace('time_embed', 'time')))).toBe(false);
  });
});
