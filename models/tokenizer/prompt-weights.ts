/**
 * Prompt emphasis as A1111 and ComfyUI write it: `(text)` multiplies the weight by 1.1, `[text]`
 * divides it by 1.1, `(text:1.3)` multiplies it by 1.3, brackets nest (weights multiply), `\(`,
 * `\)`, `\[`, `\]` and `\\` are the characters themselves, and `BREAK` (upper case, a word of its
 * own) ends the current 75-token chunk. Brackets left open apply to the end of the prompt; a
 * closing bracket with nothing open is plain text.
 */

export type PromptPart = { text: string; weight: number } | { break: true };

const ROUND = 1.1;
const SQUARE = 1 / 1.1;
const TOKEN = /\\[()[\]\\]|\\|\(|\[|:\s*([+-]?[.\d]+)\s*\)|\)|\]|[^\\()[\]:]+|:/g;
const BREAK = /\s*\bBREAK\b\s*/;

export function parsePromptWeights(prompt: string): PromptPart[] {
  const parts: ({ text: string; weight: number } | { break: true; weight: number })[] = [];
  const round: number[] = [];
  const square: number[] = [];
  const multiply = (from: number, factor: number) => {
    for (let i = from; i < parts.length; i++) parts[i].weight *= factor;
  };
  for (const [text, weight] of prompt.matchAll(TOKEN)) {
    if (text.startsWith('\\')) parts.push({ text: text.slice(1), weight: 1 });
    else if (text === '(') round.push(parts.length);
    else if (text === '[') square.push(parts.length);
    else if (weight !== undefined && round.length > 0) multiply(round.pop() as number, Number(weight));
    else if (text === ')' && round.length > 0) multiply(round.pop() as number, ROUND);
    else if (text === ']' && square.length > 0) multiply(square.pop() as number, SQUARE);
    else {
      text.split(BREAK).forEach((piece, i) => {
        if (i > 0) parts.push({ break: true, weight: 1 });
        parts.push({ text: piece, weight: 1 });
      });
    }
  }
  for (const from of round) multiply(from, ROUND);
  for (const from of square) multiply(from, SQUARE);
  const merged: PromptPart[] = [];
  for (const part of parts) {
    const previous = merged[merged.length - 1];
    if ('break' in part) merged.push({ break: true });
    else if (previous && !('break' in previous) && previous.weight === part.weight) previous.text += part.text;
    else merged.push({ text: part.text, weight: part.weight });
  }
  return merged.length > 0 ? merged : [{ text: '', weight: 1 }];
}
