import { GraphBuilder } from '../onnx/graph.ts';
import type { OnnxModel } from '../onnx/model.ts';
import { add, attention, layerNorm, linear, quickGelu } from '../onnx/ops.ts';
import type { TextEncoderConfig } from './config.ts';
import { TEXT_PREFIX, textEncoderTensors } from './tensors.ts';
import { CheckpointWeights } from './weights.ts';
import type { WeightSource } from './weights.ts';

const EPSILON = 1e-5;
/** Added to the scores of future tokens; exp() of it is exactly 0 in float32. */
const MASKED = -1e9;

/**
 * CLIP text transformer: `input_ids` int32 [B, positions] -> `last_hidden_state` [B, positions, width]
 * and `penultimate_hidden_state` (the final LayerNorm applied to the second-to-last layer's
 * output, for "CLIP skip 2").
 */
export function buildTextEncoder(config: TextEncoderConfig, source: WeightSource): OnnxModel {
  const g = new GraphBuilder();
  const w = new CheckpointWeights(g, source, textEncoderTensors(config));
  const key = (k: string) => TEXT_PREFIX + k;
  const { positions, width } = config;

  const ids = g.input('input_ids', 'int32', ['batch', positions]);
  const tokens = g.op('Gather', [w.tensor(key('embeddings.token_embedding.weight')), ids], { axis: 0 });
  let hidden = add(g, tokens, w.tensor(key('embeddings.position_embedding.weight')));

  const causal = g.constant('float32', causalMask(positions), [1, 1, positions, positions]);
  const finalNorm = (x: string) => layerNorm(g, x, w.tensor(key('final_layer_norm.weight')), w.tensor(key('final_layer_norm.bias')), EPSILON);
  const proj = (x: string, k: string) => linear(g, x, w.matrix(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)));
  const norm = (x: string, k: string) => layerNorm(g, x, w.tensor(key(`${k}.weight`)), w.tensor(key(`${k}.bias`)), EPSILON);

  let penultimate = hidden;
  for (let i = 0; i < config.layers; i++) {
    if (i === config.layers - 1) penultimate = hidden;
    const layer = `encoder.layers.${i}`;
    const x = norm(hidden, `${layer}.layer_norm1`);
    const q = proj(x, `${layer}.self_attn.q_proj`);
    const k = proj(x, `${layer}.self_attn.k_proj`);
    const v = proj(x, `${layer}.self_attn.v_proj`);
    const attended = attention(g, q, k, v, { heads: config.heads, bias: causal });
    hidden = add(g, hidden, proj(attended, `${layer}.self_attn.out_proj`));
    const y = norm(hidden, `${layer}.layer_norm2`);
    hidden = add(g, hidden, proj(quickGelu(g, proj(y, `${layer}.mlp.fc1`)), `${layer}.mlp.fc2`));
  }
  const dims = ['batch', positions, width];
  g.output(finalNorm(hidden), 'last_hidden_state', 'float32', dims);
  g.output(finalNorm(penultimate), 'penultimate_hidden_state', 'float32', dims);
  return g.build('clip_text_encoder');
}

function causalMask(size: number): number[] {
  return Array.from({ length: size * size }, (_, i) => (i % size > Math.floor(i / size) ? MASKED : 0));
}
