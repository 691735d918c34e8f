import { choice, defineNode, int, output, socket } from '../runtime/index.ts';
import type { ModelSession, Tensor } from '../runtime/backends/index.ts';
import { CONTEXT_LENGTH, END_OF_TEXT, START_OF_TEXT } from '../models/tokenizer/index.ts';
import { applyA1111Emphasis, applyComfyEmphasis, EMPHASIS_MODES } from '../models/sd15/index.ts';
import { textEncoderOutputMissing } from './lib/errors.ts';
import { textEncoderModelPath } from './lib/patched-network.ts';
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
    'Runs the CLIP text encoder on token ids and gives the conditioning the UNet attends to, float32 [1, 77 x chunks, 768]: ' +
    'each 77-token chunk is encoded on its own and the results are concatenated. ' +
    '`clip_skip` 1 takes the last layer; 2 takes the penultimate layer (through the final LayerNorm), which some ' +
    'fine-tuned models expect. Imported ONNX models without that output support only 1. ' +
    'Prompt weights are applied as `weighting` says: `comfyui` moves each weighted token\'s output away from the empty ' +
    'prompt\'s (z_empty + w (z - z_empty)), `a1111` multiplies it by the weight and restores each chunk\'s mean (and takes A1111\'s chunks, which end after a comma near the 75th token), so an image ' +
    'made in either program can be reproduced. Prompts with embeddings run a copy of the text encoder with their vectors added.',
  inputs: {
    clip: socket<ClipHandle>(SD_TYPES.clip),
    tokens: socket<Tokens>(SD_TYPES.tokens),
    clip_skip: int({ default: 1, min: 1, max: 2, description: '1 = last layer, 2 = penultimate layer.' }),
    weighting: choice({ choices: EMPHASIS_MODES, default: 'comfyui', description: 'How (word:1.2) weights change the conditioning: ComfyUI\'s or A1111\'s rule.' }),
  },
  outputs: {
    conditioning: output<Conditioning>(SD_TYPES.conditioning, 'Text embedding [1, 77 x chunks, 768]'),
  },
  async execute({ clip, tokens, clip_skip, weighting }, ctx) {
    // Its LoRA variants replace one another in memory (per set of embeddings, which prompts of one run may differ in),
    // the old ones closed before a new patch is made.
    const group = `text_encoder:${clip.textEncoder}:${tokens.embeddings?.id ?? ''}`;
    const model = await textEncoderModelPath(clip, ctx.env.dataDir, tokens.embeddings, () => ctx.env.sessions.vacate(group));
    const session = await ctx.env.sessions.open(model, { backend: clip.backend, group });
    const wanted = clip_skip === 2 ? PENULTIMATE_OUTPUT : LAST_LAYER_OUTPUT;
    if (!session.outputs.some((o) => o.name === wanted)) {
      const hint = clip_skip === 2 ? '; CLIP skip 2 needs a model converted by latentflow, use clip_skip 1' : '';
      throw textEncoderOutputMissing(clip.model, clip.textEncoder, wanted, hint);
    }
    const encode = (ids: Int32Array) => encodeChunks(session, ids, wanted, ctx.signal);
    const { ids, weights } = weighting === 'a1111' && tokens.a1111 ? tokens.a1111 : tokens;
    const { data: hidden, width } = await encode(ids);
    if (weights?.some((w) => w !== 1)) {
      if (weighting === 'a1111') applyA1111Emphasis(hidden, weights, width, CONTEXT_LENGTH);
      else applyComfyEmphasis(hidden, (await encode(emptyPromptIds())).data, weights, width, CONTEXT_LENGTH);
    }
    return { conditioning: { data: hidden, shape: [1, ids.length, width] } };
  },
});

/** Runs each 77-id chunk and concatenates the outputs: [chunks * 77, width]. */
async function encodeChunks(session: ModelSession, ids: Int32Array, output: string, signal: AbortSignal | undefined): Promise<{ data: Float32Array; width: number }> {
  const idsInput = session.inputs[0];
  const parts: Float32Array[] = [];
  for (let start = 0; start < ids.length; start += CONTEXT_LENGTH) {
    const chunk = ids.subarray(start, start + CONTEXT_LENGTH);
    const tensor: Tensor =
      idsInput.type === 'int64'
        ? { type: 'int64', data: BigInt64Array.from(chunk, (v) => BigInt(v)), dims: [1, chunk.length] }
        : { type: 'int32', data: Int32Array.from(chunk), dims: [1, chunk.length] };
    const result = await session.run({ [idsInput.name]: tensor }, { signal });
    parts.push(result[output].data as Float32Array);
  }
  if (parts.length === 1) return { data: parts[0], width: parts[0].length / CONTEXT_LENGTH };
  const data = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, part) => (data.set(part, at), at + part.length), 0);
  return { data, width: parts[0].length / CONTEXT_LENGTH };
}

/** The empty prompt: start token, then end tokens. */
function emptyPromptIds(): Int32Array {
  const ids = new Int32Array(CONTEXT_LENGTH).fill(END_OF_TEXT);
  ids[0] = START_OF_TEXT;
  return ids;
}
