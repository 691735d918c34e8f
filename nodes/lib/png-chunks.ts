// Moved to contract/png-chunks.ts; this path stays until branches that import it have merged.
export {
  PNG_SIGNATURE, crc32, isPng, readChunks, writeChunks, textChunk, parseTextChunk, readPngText,
} from '../../contract/index.ts';
export type { PngChunk, Inflate } from '../../contract/index.ts';
