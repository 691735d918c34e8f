import { boolean, defineNode, output, socket, string } from '../runtime/index.ts';
import { ClipTokenizer, MAX_PROMPT_TOKENS } from '../models/tokenizer/index.ts';
import { parsePromptWeights } from '../models/tokenizer/index.ts';
import { A1111_COMMA_BACKTRACK, tokenizeWeighted } from '../models/tokenizer/index.ts';
import { PromptEmbeddings } from './lib/prompt-embeddings.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ClipHandle, Tokens } from './lib/sd-types.ts';

export default defineNode({
  type: 'Tokenizer',
  displayName: 'Tokenize Prompt',
  category: 'conditioning',
  description:
    'Turns a prompt into the CLIP token ids the text encoder reads, in chunks of 77 (start token, up to ' +
    `${MAX_PROMPT_TOKENS} prompt tokens, end token, padding), using the model's tokenizer/ vocabulary, else data/vocab.json + merges.txt. ` +
    'Weights as A1111 and ComfyUI write them: (word) x1.1, ((word)) x1.21, (word:1.3), [word] /1.1, \\( for a bracket; ' +
    'BREAK starts a new chunk, and longer prompts simply take more chunks (under A1111\'s weighting a chunk ends after a comma among its last 20 tokens, as A1111 does). `embedding:name` stands for the textual-inversion ' +
    'embedding data/embeddings/name.(pt|safetensors|bin); with `bare_embedding_names` the bare name does too (A1111). ' +
    'The token count includes the embeddings\' vectors; the parsed weights are logged.',
  inputs: {
    clip: socket<ClipHandle>(SD_TYPES.clip),
    text: string({ default: '', multiline: true, description: 'The prompt.' }),
    bare_embedding_names: boolean({ default: false, description: 'Also read an embedding\'s bare file name as the embedding (A1111).' }),
  },
  outputs: {
    tokens: output<Tokens>(SD_TYPES.tokens, 'Token ids with their weights and the prompt\'s token count'),
  },
  async execute({ clip, text, bare_embedding_names }, ctx) {
    const tokenizer = await ClipTokenizer.load(clip.tokenizerDir, ctx.env.dataDir);
    const embeddings = new PromptEmbeddings(clip, ctx.env.dataDir);
    const options = { embedding: (name: string) => embeddings.lookup(name), bareEmbeddingNames: bare_embedding_names ? embeddings.names : [] };
    const weighted = tokenizeWeighted(tokenizer, text, options);
    const a1111 = tokenizeWeighted(tokenizer, text, { ...options, commaBacktrack: A1111_COMMA_BACKTRACK });
    const parts = parsePromptWeights(text);
    if (parts.some((part) => 'break' in part || part.weight !== 1)) ctx.log.info('prompt weights', { parts });
    const tokens: Tokens = { ids: weighted.ids, count: weighted.count, weights: weighted.weights };
    if (a1111.ids.length !== weighted.ids.length || a1111.ids.some((id, i) => id !== weighted.ids[i])) tokens.a1111 = { ids: a1111.ids, weights: a1111.weights };
    const extra = embeddings.extra();
    if (extra) tokens.embeddings = extra;
    return { tokens };
  },
});
