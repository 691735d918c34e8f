import { join } from 'node:path';
import { ClipTokenizer, MAX_PROMPT_TOKENS } from '../models/tokenizer/index.ts';
import { isModelError } from '../models/errors.ts';
import { defineCommand, EXIT, UsageError } from './args.ts';

const USAGE = `usage: latentflow tokenize [--json] [--model <name>] [--data <dir>] "<text>"

  Prints the 77 CLIP input ids the text encoder gets for the prompt, and how many
  BPE tokens the prompt has (only the first ${MAX_PROMPT_TOKENS} are used).
  --json          print {"ids", "count", "truncated", "tokens"} as JSON
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
    const tokens = tokenizer.encode(text);
    const { ids, count, truncated } = tokenizer.encodeForModel(text);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ ids: Array.from(ids), count, truncated, tokens })}\n`);
      return EXIT.ok;
    }
    process.stdout.write(`ids: ${Array.from(ids).join(' ')}\n`);
    process.stdout.write(`tokens: ${count} of ${MAX_PROMPT_TOKENS}\n`);
    if (truncated) {
      process.stdout.write(`truncated: the prompt has ${count} tokens; the last ${count - MAX_PROMPT_TOKENS} are cut off\n`);
    }
    return EXIT.ok;
  },
});
