import { describe, expect, it } from 'vitest';
import { parsePromptWeights } from '../../../models/tokenizer/prompt-weights.ts';
import { ClipTokenizer } from '../../../models/tokenizer/index.ts';
import { tokenizeWeighted } from '../../../models/tokenizer/weighted-prompt.ts';

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
});
