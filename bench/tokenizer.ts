import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ClipTokenizer } from '../models/tokenizer/index.ts';

const DATA_DIR = fileURLToPath(new URL('../data/', import.meta.url));

/** Seeded prompts of 8 to 30 real vocabulary words, comma-separated in places, all different. */
function prompts(count: number, seed: number): string[] {
  const vocab = Object.keys(JSON.parse(readFileSync(`${DATA_DIR}vocab.json`, 'utf8')) as Record<string, number>);
  const words = vocab.filter((token) => /^[a-z]{3,}<\/w>$/.test(token)).map((token) => token.slice(0, -4));
  let state = seed >>> 0;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  return Array.from({ length: count }, () => {
    const length = 8 + Math.floor(random() * 23);
    return Array.from({ length }, () => words[Math.floor(random() * words.length)] + (random() < 0.15 ? ',' : '')).join(' ');
  });
}

/** Prompts per second through `encodeForModel`, after a warm-up on other prompts. */
export async function measureTokenizer(count = 5000): Promise<number> {
  const tokenizer = await ClipTokenizer.load(DATA_DIR);
  for (const prompt of prompts(500, 1)) tokenizer.encodeForModel(prompt);
  const measured = prompts(count, 2);
  const started = performance.now();
  for (const prompt of measured) tokenizer.encodeForModel(prompt);
  return count / ((performance.now() - started) / 1000);
}
