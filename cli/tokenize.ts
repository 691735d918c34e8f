import { join } from 'node:path';
import { ClipTokenizer, MAX_PROMPT_TOKENS } from '../models/tokenizer/index.ts';
import { parsePromptWeights, type PromptPart } from '../models/tokenizer/prompt-weights.ts';
import { tokenizeWeighted } from '../models/tokenizer/weighted-prompt.ts';
import { isModelError } from '../models/errors.ts';
import { defineCommand, EXIT, UsageError } from './args.ts';

const USAGE = `usage: latentflow tokenize [--json] [--model <name>] [--data <dir>] "<text>"

  Prints the CLIP input ids the text encoder gets for the prompt (77 per chunk of
  ${MAX_PROMPT_TOKENS} tokens; BREAK starts a new chunk), how many BPE tokens the prompt has, and the
  weights parsed from (word), ((word)), (word:1.3) and [word].
  --json          print {"ids", "count", "tokens", "chunks", "weights", "parts"} as JSON
  --model <name>  use data/models/<name>/tokenizer (falls back to <data>/vocab.json)
  --data <dir>    the data folder (default ./data)`;

export const main = defineCommand({
  usage: USAGE,
  options: {
    json: { type: 'boolean', default: false },
    model: { type: 'string' },
    data: { type: 'string', default: './data' },
  },
  positionals: true,
  async run({ values, positionals }) {
    if (positionals.length === 0) throw new UsageError('missing the text to tokenize');
    const text = positionals.join(' ');
    const dirs = values.model === undefined ? [values.data] : [join(values.data, 'models', values.model, 'tokenizer'), values.data];
    let tokenizer: ClipTokenizer;
    try {
      tokenizer = await ClipTokenizer.load(...dirs);
    } catch (error) {
      if (!isModelError(error, 'vocabulary_not_found')) throw error;
      process.stderr.write(`error: ${error.message}\n`);
      return EXIT.failed;
    }
    const parts = parsePromptWeights(text);
    const tokens = parts.flatMap((part) => ('break' in part ? [] : tokenizer.encode(part.text)));
    const { ids, count, chunks, weights } = tokenizeWeighted(tokenizer, text);
    if (values.json) {
      const json = { ids: Array.from(ids), count, tokens, chunks, weights: Array.from(weights), parts };
      process.stdout.write(`${JSON.stringify(json)}\n`);
      return EXIT.ok;
    }
    process.stdout.write(`ids: ${Array.from(ids).join(' ')}\n`);
    process.stdout.write(chunks === 1 ? `tokens: ${count} of ${MAX_PROMPT_TOKENS}\n` : `tokens: ${count} in ${chunks} chunks of ${MAX_PROMPT_TOKENS}\n`);
    if (parts.some((part) => 'break' in part || part.weight !== 1)) process.stdout.write(`weights: ${parts.map(describePart).join(', ')}\n`);
    return EXIT.ok;
  },
});

const describePart = (part: PromptPart) => ('break' in part ? 'BREAK' : `${JSON.stringify(part.text)} ${Number(part.weight.toFixed(4))}`);
