import { CONTEXT_LENGTH, END_OF_TEXT, MAX_PROMPT_TOKENS, START_OF_TEXT, type ClipTokenizer } from './clip-tokenizer.ts';
import { parsePromptWeights } from './prompt-weights.ts';

/** A prompt as the text encoder reads it: chunks of 77 ids (start, 75 tokens, end, padded with end) and a weight per id. */
export interface WeightedTokens {
  /** 77 x chunks ids. */
  ids: Int32Array;
  /** Emphasis of each id; 1 for the start, end and padding tokens. */
  weights: Float32Array;
  /** Prompt tokens, embedding vectors included. */
  count: number;
  chunks: number;
}

/** Token ids standing for a textual-inversion embedding's vectors. */
export interface EmbeddingTokens {
  ids: number[];
}

export interface WeightedPromptOptions {
  /** The ids of an embedding by name; throws (or returns undefined, then the words stay text) when unknown. */
  embedding?: (name: string) => EmbeddingTokens | undefined;
  /** Names also recognised as bare words (A1111's habit), besides `embedding:name` (ComfyUI's). */
  bareEmbeddingNames?: readonly string[];
  /**
   * A1111's `comma_padding_backtrack` (its default is A1111_COMMA_BACKTRACK): when a token does not fit
   * the full chunk and a comma is among the chunk's last this many tokens, the chunk ends after that
   * comma and the tokens after it move to the next chunk. 0 (default, ComfyUI): cut where it is full.
   */
  commaBacktrack?: number;
}

export const A1111_COMMA_BACKTRACK = 20;

const EMBEDDING_REFERENCE = /embedding:([\w.-]+)/g;

/**
 * Tokenizes a weighted prompt (see parsePromptWeights) into as many 75-token chunks as it needs:
 * a chunk is full at 75 tokens (or ends at its last comma, see commaBacktrack) or ends at BREAK,
 * and an embedding never straddles two chunks.
 */
export function tokenizeWeighted(tokenizer: ClipTokenizer, prompt: string, options: WeightedPromptOptions = {}): WeightedTokens {
  const chunks: { id: number; weight: number }[][] = [[]];
  let count = 0;
  const comma = tokenizer.encode(',')[0];
  const backtrack = options.commaBacktrack ?? 0;
  /** Where the current chunk's last comma is, -1 when it has none (A1111's last_comma). */
  let lastComma = -1;
  const current = () => chunks[chunks.length - 1];
  const nextChunk = (carried: { id: number; weight: number }[] = []) => {
    chunks.push(carried);
    lastComma = -1;
  };
  /** Makes room for a token; a comma arriving at a full chunk opens the next one unremembered, as in A1111. */
  const makeRoom = (id: number) => {
    const full = current().length === MAX_PROMPT_TOKENS;
    if (id === comma && !full) lastComma = current().length;
    else if (full && id !== comma && lastComma !== -1 && MAX_PROMPT_TOKENS - lastComma <= backtrack) nextChunk(current().splice(lastComma + 1));
    else if (full) nextChunk();
  };
  const push = (ids: readonly number[], weight: number, keepTogether: boolean) => {
    if (keepTogether && ids.length <= MAX_PROMPT_TOKENS) {
      makeRoom(ids[0]);
      if (current().length + ids.length > MAX_PROMPT_TOKENS) nextChunk();
      current().push(...ids.map((id) => ({ id, weight })));
    } else {
      for (const id of ids) {
        makeRoom(id);
        current().push({ id, weight });
      }
    }
    count += ids.length;
  };
  for (const part of parsePromptWeights(prompt)) {
    if ('break' in part) {
      nextChunk();
      continue;
    }
    for (const piece of splitEmbeddings(part.text, options)) {
      if (typeof piece === 'string') push(tokenizer.encode(piece), part.weight, false);
      else push(piece.ids, part.weight, true);
    }
  }
  const ids = new Int32Array(CONTEXT_LENGTH * chunks.length).fill(END_OF_TEXT);
  const weights = new Float32Array(ids.length).fill(1);
  chunks.forEach((chunk, c) => {
    ids[c * CONTEXT_LENGTH] = START_OF_TEXT;
    chunk.forEach(({ id, weight }, i) => {
      ids[c * CONTEXT_LENGTH + 1 + i] = id;
      weights[c * CONTEXT_LENGTH + 1 + i] = weight;
    });
  });
  return { ids, weights, count, chunks: chunks.length };
}

/** Text with its embedding references replaced by their ids. */
function splitEmbeddings(text: string, options: WeightedPromptOptions): (string | EmbeddingTokens)[] {
  if (!options.embedding) return [text];
  const bare = (options.bareEmbeddingNames ?? []).map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = bare.length > 0 ? new RegExp(`${EMBEDDING_REFERENCE.source}|(?<![\\w.-])(${bare.join('|')})(?![\\w.-])`, 'g') : EMBEDDING_REFERENCE;
  const pieces: (string | EmbeddingTokens)[] = [];
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    const found = options.embedding(match[1] ?? match[2]);
    if (!found) continue;
    pieces.push(text.slice(at, match.index), found);
    at = (match.index ?? 0) + match[0].length;
  }
  pieces.push(text.slice(at));
  return pieces.filter((piece) => piece !== '');
}
