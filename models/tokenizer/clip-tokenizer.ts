import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tokenNotInVocabulary, vocabularyNotFound, vocabularyUnreadable } from '../errors.ts';
import { BytePairEncoder } from './bpe.ts';
import { encodeBytes } from './byte-encoder.ts';
import { normalizePrompt } from './normalize.ts';
import { hasTokenizerFiles, MERGES_FILE, VOCABULARY_FILE } from './tokenizer-files.ts';

export const START_OF_TEXT = 49406;
export const END_OF_TEXT = 49407;
/** SD 1.x text encoder input length: start token, 75 prompt tokens, end token (padded with end tokens). */
export const CONTEXT_LENGTH = 77;
export const MAX_PROMPT_TOKENS = CONTEXT_LENGTH - 2;

/** CLIP's merge table: the file's first line is a header, and only the first 48894 merges are used. */
const MERGE_COUNT = 49152 - 256 - 2;

/** Bounds the piece cache of a long-running server; typical prompts reuse a few thousand pieces. */
const MAX_CACHED_PIECES = 100_000;

const SPECIAL_TOKENS: ReadonlyMap<string, number> = new Map([
  ['<|startoftext|>', START_OF_TEXT],
  ['<|endoftext|>', END_OF_TEXT],
]);

/**
 * OpenAI's CLIP pre-tokenizer pattern as the Python `regex` module runs it, case-insensitively, on
 * lowercased text. Written without the `i` flag because JS case-closes `\p{L}` and `regex` does not:
 * the only case variant left after lowercasing is U+017F (long s), which matches `s`; U+0345 (it
 * case-folds to iota) matches no alternative in `regex` and is dropped. `\s` is Unicode White_Space.
 */
const PIECE = /<\|[sſ]tartoftext\|>|<\|endoftext\|>|'[sſ]|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\p{White_Space}\p{L}\p{N}\u0345]+/gu;

export interface ModelInput {
  /** `[49406, ...first 75 ids, 49407]` padded to 77 with 49407. */
  ids: Int32Array;
  /** BPE tokens in the prompt before truncation. */
  count: number;
  truncated: boolean;
}

const loaded = new Map<string, Promise<ClipTokenizer>>();

/** CLIP byte-level BPE tokenizer, behaving like OpenAI's reference (without its ftfy repair step). */
export class ClipTokenizer {
  private readonly bpe: BytePairEncoder;
  /** Ids of each piece seen so far: prompts repeat words, and BPE is the slow part. */
  private readonly pieceIds = new Map<string, readonly number[]>();

  constructor(
    private readonly vocabulary: ReadonlyMap<string, number>,
    merges: readonly string[],
  ) {
    this.bpe = new BytePairEncoder(merges);
  }

  /**
   * Loads `vocab.json` + `merges.txt` from the first folder that has both, e.g.
   * `ClipTokenizer.load(model.tokenizerDir, dataDir)`. Loaded tokenizers are shared.
   */
  static load(...dirs: string[]): Promise<ClipTokenizer> {
    const dir = dirs.map((d) => resolve(d)).find(hasTokenizerFiles);
    if (dir === undefined) {
      return Promise.reject(vocabularyNotFound(dirs));
    }
    let tokenizer = loaded.get(dir);
    if (!tokenizer) {
      tokenizer = readTokenizer(dir);
      loaded.set(dir, tokenizer);
      tokenizer.catch(() => loaded.delete(dir));
    }
    return tokenizer;
  }

  /** BPE ids of the prompt, without start/end tokens. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const [piece] of normalizePrompt(text).matchAll(PIECE)) ids.push(...this.idsOf(piece));
    return ids;
  }

  /** The text encoder's input for one prompt; prompts longer than 75 tokens are cut. */
  encodeForModel(text: string): ModelInput {
    const tokens = this.encode(text);
    const ids = new Int32Array(CONTEXT_LENGTH).fill(END_OF_TEXT);
    ids[0] = START_OF_TEXT;
    ids.set(tokens.slice(0, MAX_PROMPT_TOKENS), 1);
    return { ids, count: tokens.length, truncated: tokens.length > MAX_PROMPT_TOKENS };
  }

  private idsOf(piece: string): readonly number[] {
    let ids = this.pieceIds.get(piece);
    if (ids === undefined) {
      const special = SPECIAL_TOKENS.get(piece);
      ids = special !== undefined ? [special] : this.bpe.encode(encodeBytes(piece)).map((symbol) => this.idOf(symbol));
      if (this.pieceIds.size >= MAX_CACHED_PIECES) this.pieceIds.clear();
      this.pieceIds.set(piece, ids);
    }
    return ids;
  }

  private idOf(symbol: string): number {
    const id = this.vocabulary.get(symbol);
    if (id === undefined) throw tokenNotInVocabulary(symbol);
    return id;
  }
}

async function readTokenizer(dir: string): Promise<ClipTokenizer> {
  const vocabulary = await readVocabularyFile(join(dir, VOCABULARY_FILE), (text) => mapOf(JSON.parse(text) as Record<string, number>));
  const lines = await readVocabularyFile(join(dir, MERGES_FILE), (text) => text.split('\n'));
  const merges = lines.slice(1, MERGE_COUNT + 1).filter((line) => line.length > 0);
  return new ClipTokenizer(vocabulary, merges);
}

/** The parsed vocabulary as a Map; a `for...in` loop builds it in half the time of `Object.entries` on 49,408 keys. */
function mapOf(vocabulary: Record<string, number>): Map<string, number> {
  const map = new Map<string, number>();
  for (const symbol in vocabulary) map.set(symbol, vocabulary[symbol]);
  return map;
}

async function readVocabularyFile<T>(path: string, parse: (text: string) => T): Promise<T> {
  try {
    return parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw vocabularyUnreadable(path, cause);
  }
}
