import { defineNode, output, socket, string } from '../runtime/index.ts';
import { ClipTokenizer, MAX_PROMPT_TOKENS } from '../models/tokenizer/index.ts';
import { SD_TYPES } from './lib/sd-types.ts';
import type { ClipHandle, Tokens } from './lib/sd-types.ts';

export default defineNode({
  type: 'Tokenizer',
  displayName: 'Tokenize Prompt',
  category: 'conditioning',
  description:
    'Turns a prompt into the 77 CLIP token ids the text encoder reads (start token, up to 75 prompt tokens, end token, padding), ' +
    'using the model\'s tokenizer/ vocabulary, else data/vocab.json + merges.txt. ' +
    `Prompts longer than ${MAX_PROMPT_TOKENS} tokens are cut: the output keeps the full count and a warning is logged.`,
  inputs: {
    clip: socket<ClipHandle>(SD_TYPES.clip),
    text: string({ default: '', multiline: true, description: 'The prompt.' }),
  },
  outputs: {
    tokens: output<Tokens>(SD_TYPES.tokens, 'Token ids, with the prompt\'s token count'),
  },
  async execute({ clip, text }, ctx) {
    const tokenizer = await ClipTokenizer.load(clip.tokenizerDir, ctx.env.dataDir);
    const tokens = tokenizer.encodeForModel(text);
    if (tokens.truncated) {
      ctx.log.warn(`prompt has ${tokens.count} tokens; only the first ${MAX_PROMPT_TOKENS} are used`, { count: tokens.count });
    }
    return { tokens };
  },
});
