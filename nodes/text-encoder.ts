import { defineNode, int, output, socket } from '../runtime/index.ts';
import { textEncoderOutputMissing } from './lib/errors.ts';
import type { Tensor } from '../runtime/backends/index.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ClipHandle, Conditioning, Tokens } from './lib/sd-types.ts';

const LAST_LAYER_OUTPUT = 'last_hidden_state';
/** The penultimate layer's output through the final LayerNorm (models converted by latentflow have it). */
const PENULTIMATE_OUTPUT = 'penultimate_hidden_state';

export default defineNode({
  type: 'TextEncoder',
  displayName: 'Encode Text',
  category: 'conditioning',
  description:
    'Runs the CLIP text encoder on token ids and gives the conditioning the UNet attends to, float32 [1, 77, 768]. ' +
    '`clip_skip` 1 takes the last layer; 2 takes the penultimate layer (through the final LayerNorm), which some ' +
    'fine-tuned models expect. Imported ONNX models without that output support only 1.',
  inputs: {
    clip: socket<ClipHandle>(SD_TYPES.clip),
    tokens: socket<Tokens>(SD_TYPES.tokens),
    clip_skip: int({ default: 1, min: 1, max: 2, description: '1 = last layer, 2 = penultimate layer.' }),
  },
  outputs: {
    conditioning: output<Conditioning>(SD_TYPES.conditioning, 'Text embedding [1, 77, 768]'),
  },
  async execute({ clip, tokens, clip_skip }, ctx) {
    const session = await ctx.env.sessions.open(clip.textEncoder, { backend: clip.backend });
    const wanted = clip_skip === 2 ? PENULTIMATE_OUTPUT : LAST_LAYER_OUTPUT;
    if (!session.outputs.some((o) => o.name === wanted)) {
      const hint = clip_skip === 2 ? '; CLIP skip 2 needs a model converted by latentflow, use clip_skip 1' : '';
      throw textEncoderOutputMissing(clip.model, clip.textEncoder, wanted, hint);
    }
    const idsInput = session.inputs[0];
    const ids: Tensor =
      idsInput.type === 'int64'
        ? { type: 'int64', data: BigInt64Array.from(tokens.ids, (v) => BigInt(v)), dims: [1, tokens.ids.length] }
        : { type: 'int32', data: Int32Array.from(tokens.ids), dims: [1, tokens.ids.length] };
    const result = await session.run({ [idsInput.name]: ids }, { signal: ctx.signal });
    const hidden = result[wanted];
    return { conditioning: { data: hidden.data as Float32Array, shape: hidden.dims } };
  },
});
