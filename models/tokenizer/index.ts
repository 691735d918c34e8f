export { ClipTokenizer, CONTEXT_LENGTH, END_OF_TEXT, MAX_PROMPT_TOKENS, START_OF_TEXT } from './clip-tokenizer.ts';
export type { ModelInput } from './clip-tokenizer.ts';
export { normalizePrompt } from './normalize.ts';
export { parsePromptWeights } from './prompt-weights.ts';
export type { PromptPart } from './prompt-weights.ts';
export { A1111_COMMA_BACKTRACK, tokenizeWeighted } from './weighted-prompt.ts';
export type { EmbeddingTokens } from './weighted-prompt.ts';
