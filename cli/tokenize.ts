import { join } from 'node:path';
import { ClipTokenizer, MAX_PROMPT_TOKENS } from '../models/tokenizer/index.ts';
import { parsePromptWeights, type PromptPart } from '../models/tokenizer/index.ts';
import { A1111_COMMA_BACKTRACK, tokenizeWeighted } from '../models/tokenizer/index.ts';
import { ADAPTER_CODES, type AdapterCode } from '../models/adapters/index.ts';
import { isModelError } from '../models/errors.ts';
import { PromptEmbeddings } from '../nodes/lib/prompt-embeddings.ts';
import { defineCommand, EXIT, UsageError } from './args.ts';

const USAGE = `usage: latentflow tokenize [--json] [--model <name>] [--data <dir>] [--bare-embedding-names] [--a1111] "<text>"

  Prints the CLIP input ids the text encoder gets for the prompt (77 per chunk of
  ${MAX_PROMPT_TOKENS} tokens; BREAK starts a new chunk), how many tokens the prompt has, the
  weights parsed from (word), ((word)), (word:1.3) and [word], and the textual-inversion
  embeddings (data/embeddings/) that embedding:name resolves to, with the ids standing for them.
  --json                  print {"ids", "count", "tokens", "chunks", "weights", "parts", "embeddings"} as JSON
  --model <name>          use data/models/<name>/tokenizer (falls back to <data>/vocab.json);
                          needed for embeddings, whose width and ids come from the model
  --data <dir>            the data folder (default ./data)
  --bare-embedding-names  also read an embedding's bare file name as the embedding (A1111)
  --a1111                 chunk as A1111 does: a chunk ends after a comma among its last ${A1111_COMMA_BACKTRACK} tokens`;

export const main = defineCommand({
  usage: USAGE,
  options: {
    json: { type: 'boolean', default: false },
    model: { type: 'string' },
    data: { type: 'string', default: './data' },
    'bare-embedding-names': { type: 'boolean', default: false },
    a1111: { type: 'boolean', default: false },
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
    const modelDir = values.model === undefined ? undefined : join(values.data, 'models', values.model);
    const embeddings = new PromptEmbeddings(
      { model: values.model ?? '', backend: 'cpu', textEncoder: join(modelDir ?? '', 'text_encoder', 'model.onnx'), tokenizerDir: dirs[0] },
      values.data,
    );
    const found: { name: string; ids: number[] }[] = [];
    const embedding = (name: string) => {
      if (modelDir === undefined) throw new UsageError(`embedding:${name} needs --model <name>: an embedding's width and ids come from the model`);
      const entry = embeddings.lookup(name);
      if (!found.some((e) => e.name === name)) found.push({ name, ids: entry.ids });
      return entry;
    };
    let weighted;
    try {
      weighted = tokenizeWeighted(tokenizer, text, {
        embedding,
        bareEmbeddingNames: values['bare-embedding-names'] && modelDir !== undefined ? embeddings.names : [],
        commaBacktrack: values.a1111 ? A1111_COMMA_BACKTRACK : 0,
      });
    } catch (error) {
      if (!ADAPTER_CODES.includes((error as { code?: string }).code as AdapterCode)) throw error;
      process.stderr.write(`error: ${(error as Error).message}\n`);
      return EXIT.failed;
    }
    const { ids, count, chunks, weights } = weighted;
    if (values.json) {
      const json = { ids: Array.from(ids), count, tokens, chunks, weights: Array.from(weights), parts, embeddings: found };
      process.stdout.write(`${JSON.stringify(json)}\n`);
      return EXIT.ok;
    }
    process.stdout.write(`ids: ${Array.from(ids).join(' ')}\n`);
    process.stdout.write(chunks === 1 ? `tokens: ${count} of ${MAX_PROMPT_TOKENS}\n` : `tokens: ${count} in ${chunks} chunks of ${MAX_PROMPT_TOKENS}\n`);
    if (parts.some((part) => 'break' in part || part.weight !== 1)) process.stdout.write(`weights: ${parts.map(describePart).join(', ')}\n`);
    if (found.length > 0) process.stdout.write(`embeddings: ${found.map(describeEmbedding).join(', ')}\n`);
    return EXIT.ok;
  },
});

const describeEmbedding = ({ name, ids }: { name: string; ids: number[] }) =>
  `${name} (${ids.length} ${ids.length === 1 ? 'vector' : 'vectors'}, ids ${ids.length === 1 ? ids[0] : `${ids[0]}-${ids[ids.length - 1]}`})`;

const describePart = (part: PromptPart) => ('break' in part ? 'BREAK' : `${JSON.stringify(part.text)} ${Number(part.weight.toFixed(4))}`);
