import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files of a CLIP tokenizer folder. */
export const VOCABULARY_FILE = 'vocab.json';
export const MERGES_FILE = 'merges.txt';
export const TOKENIZER_FILES = [VOCABULARY_FILE, MERGES_FILE] as const;

/** The repository's `data/`, which ships the real CLIP vocabulary. */
export const BUNDLED_TOKENIZER_DIR = fileURLToPath(new URL('../../data/', import.meta.url));

export const hasTokenizerFiles = (dir: string): boolean => TOKENIZER_FILES.every((file) => existsSync(join(dir, file)));
