import { describe, expect, it } from 'vitest';
import { parsePromptWeights } from '../../../models/tokenizer/prompt-weights.ts';
import { ClipTokenizer } from '../../../models/tokenizer/index.ts';
import { A1111_COMMA_BACKTRACK, tokenizeWeighted } from '../../../models/tokenizer/weighted-prompt.ts';

const parsed = (prompt: string) => parsePromptWeights(prompt).map((p) => ('break' in p ? 'BREAK' : [p.text, Number(p.weight.toFixed(6))]));

describe('parsePromptWeights (A1111 / ComfyUI emphasis)', () => {
  // The examples of A1111's parse_prompt_attention documentation.
  it.each([
    ['normal text', [['normal text', 1]]],
    ['an (important) word', [['an ', 1], ['important', 1.1], [' word', 1]]],
    ['(unbalanced', [['unbalanced', 1.1]]],
    ['\\(literal\\]', [['(literal]', 1]]],
    ['(unnecessary)(parens)', [['unnecessaryparens', 1.1]]],
    ['a (((house:1.3)) [on] a (hill:0.5), sun, (((sky))).', [
      ['a ', 1], ['house', 1.573], [' ', 1.1], ['on', 1], [' a ', 1.1], ['hill', 0.55], [', sun, ', 1.1], ['sky', 1.4641], ['.', 1.1],
    ]],
  ])('%s', (prompt, expected) => {
    expect(parsed(prompt)).toEqual(expected);
  });

  it('[word] divides by 1.1, ((word)) multiplies by 1.21, a stray closing bracket is text', () => {
    expect(parsed('[[dim]] ((bright)) x)')).toEqual([['dim', Number((1 / 1.21).toFixed(6))], [' ', 1], ['bright', 1.21], [' x)', 1]]);
  });

  it('BREAK on its own splits the prompt; inside a word it is text', () => {
    expect(parsed('a cat BREAK (a dog:1.2) BREAKFAST')).toEqual([['a cat', 1], 'BREAK', ['', 1], ['a dog', 1.2], [' BREAKFAST', 1]]);
  });
});

describe('tokenizeWeighted', () => {
  it('fills 75-token chunks, starts a new one at BREAK and keeps an embedding in one chunk', async () => {
    const tokenizer = await ClipTokenizer.load('data');
    const long = tokenizeWeighted(tokenizer, `${'cat '.repeat(74)}embedding:two`, { embedding: () => ({ ids: [49408, 49409] }) });
    expect(long.chunks).toBe(2);
    expect(long.count).toBe(76);
    expect(long.ids[75]).toBe(49407);
    expect(Array.from(long.ids.subarray(77, 80))).toEqual([49406, 49408, 49409]);
    const broken = tokenizeWeighted(tokenizer, 'cat BREAK (dog:1.5)');
    expect(broken.chunks).toBe(2);
    expect(Array.from(broken.ids.subarray(77, 80))).toEqual([49406, 1929, 49407]);
    expect(broken.weights[78]).toBe(1.5);
  });

  it('reads bare embedding names only when asked (A1111), `embedding:name` always', async () => {
    const tokenizer = await ClipTokenizer.load('data');
    const embedding = (name: string) => (name === 'shiny' ? { ids: [49408] } : undefined);
    expect(tokenizeWeighted(tokenizer, 'a shiny cat', { embedding }).ids[2]).not.toBe(49408);
    expect(tokenizeWeighted(tokenizer, 'a shiny cat', { embedding, bareEmbeddingNames: ['shiny'] }).ids[2]).toBe(49408);
    expect(tokenizeWeighted(tokenizer, 'a (embedding:shiny:1.2) cat', { embedding }).weights[2]).toBeCloseTo(1.2);
  });

  // A1111's comma_padding_backtrack (modules/sd_hijack_clip.py, tokenize_line; default 20): the
  // token after a full chunk moves the tokens after the chunk's last comma along with it when that
  // comma is among the last 20; a comma that itself arrives at a full chunk starts the next one.
  describe('A1111 comma backtrack', () => {
    const CAT = 2368;
    const DOG = 1929;
    const COMMA = 267;
    const chunk = (tokens: { ids: Int32Array }, c: number) => Array.from(tokens.ids.subarray(77 * c + 1, 77 * c + 76)).filter((id) => id !== 49407);
    const a1111 = async (prompt: string) => tokenizeWeighted(await ClipTokenizer.load('data'), prompt, { commaBacktrack: A1111_COMMA_BACKTRACK });

    it('ends the chunk after a comma among its last 20 tokens and moves the rest, weights included', async () => {
      const prompt = `${'cat '.repeat(70)}, ${'dog '.repeat(6)}(dog:1.5) ${'dog '.repeat(3)}`;
      const tokens = await a1111(prompt);
      expect(tokens.chunks).toBe(2);
      expect(chunk(tokens, 0)).toEqual([...Array(70).fill(CAT), COMMA]);
      expect(chunk(tokens, 1)).toEqual(Array(10).fill(DOG));
      expect(tokens.weights[77 + 7]).toBeCloseTo(1.5);
      expect(tokens.count).toBe(81);
      const plain = tokenizeWeighted(await ClipTokenizer.load('data'), prompt);
      expect(chunk(plain, 0)).toEqual([...Array(70).fill(CAT), COMMA, ...Array(4).fill(DOG)]);
    });

    it('backtracks to a comma exactly 20 tokens from the end, not 21', async () => {
      const at = async (index: number) => chunk(await a1111(`${'cat '.repeat(index)}, ${'dog '.repeat(30)}`), 0).length;
      expect(await at(55)).toBe(56);
      expect(await at(54)).toBe(75);
    });

    it('starts the next chunk with a comma that finds the chunk full, and does not backtrack to it', async () => {
      const tokens = await a1111(`${'cat '.repeat(75)}, ${'dog '.repeat(80)}`);
      expect(chunk(tokens, 1)).toEqual([COMMA, ...Array(74).fill(DOG)]);
      expect(chunk(tokens, 2)).toEqual(Array(6).fill(DOG));
    });

    it('keeps a prompt of exactly 75 tokens in one chunk, and an embedding whole after the move', async () => {
      expect((await a1111(`${'cat '.repeat(60)}, ${'dog '.repeat(14)}`)).chunks).toBe(1);
      const tokenizer = await ClipTokenizer.load('data');
      const tokens = tokenizeWeighted(tokenizer, `${'cat '.repeat(60)}, ${'dog '.repeat(14)}embedding:two`, {
        commaBacktrack: A1111_COMMA_BACKTRACK, embedding: () => ({ ids: [49408, 49409] }),
      });
      expect(chunk(tokens, 0)).toEqual([...Array(60).fill(CAT), COMMA]);
      expect(chunk(tokens, 1)).toEqual([...Array(14).fill(DOG), 49408, 49409]);
    });
  });
});
