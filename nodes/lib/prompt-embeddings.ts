import { createHash } from 'node:crypto';
import { EMBEDDING_DIR, findAdapterFile, listAdapterFiles } from '../../models/adapters/files.ts';
import { embeddingNotFound, modelNotPatchable } from '../../models/adapters/errors.ts';
import { readEmbedding } from '../../models/adapters/read-embedding.ts';
import type { EmbeddingTokens } from '../../models/tokenizer/weighted-prompt.ts';
import { modelConfigOf } from './patched-network.ts';
import type { ClipHandle, ExtraTokens } from './sd-types.ts';

/**
 * The embeddings of data/embeddings/ a prompt uses, numbered from the text encoder's vocabulary
 * size on in the order they first appear; `extra()` gives their rows for the text encoder.
 */
export class PromptEmbeddings {
  private readonly files;
  private readonly used = new Map<string, { ids: number[]; rows: Float32Array }>();
  private nextId = 0;

  constructor(private readonly clip: ClipHandle, dataDir: string) {
    this.files = listAdapterFiles(dataDir, EMBEDDING_DIR);
  }

  /** Names usable as bare words. */
  get names(): string[] {
    return this.files.map((f) => f.name);
  }

  lookup(name: string): EmbeddingTokens {
    const known = this.used.get(name);
    if (known) return known;
    const file = findAdapterFile(this.files, name);
    if (!file) throw embeddingNotFound(name, this.names);
    const config = modelConfigOf(this.clip.textEncoder);
    if (!config) throw modelNotPatchable(this.clip.textEncoder, 'embeddings need a model converted by latentflow');
    if (this.used.size === 0) this.nextId = config.text.vocab;
    const embedding = readEmbedding(file.path, config.text.width);
    const ids = Array.from({ length: embedding.vectors }, (_, i) => this.nextId + i);
    this.nextId += embedding.vectors;
    const entry = { ids, rows: embedding.rows };
    this.used.set(name, entry);
    return entry;
  }

  extra(): ExtraTokens | undefined {
    if (this.used.size === 0) return undefined;
    const all = [...this.used.values()];
    const rows = new Float32Array(all.reduce((n, e) => n + e.rows.length, 0));
    let at = 0;
    for (const entry of all) {
      rows.set(entry.rows, at);
      at += entry.rows.length;
    }
    const id = createHash('sha256').update(new Uint8Array(rows.buffer)).digest('hex').slice(0, 32);
    return { id, rows };
  }
}
