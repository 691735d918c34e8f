import type { AdapterFile } from '../../api/client.ts';

/** The textual-inversion embeddings in data/embeddings/; a click writes `embedding:name` into the prompt. */
export function EmbeddingList({ embeddings, onInsert }: { embeddings: readonly AdapterFile[]; onInsert(token: string): void }) {
  if (embeddings.length === 0) return <p className="lf-muted">No embeddings in data/embeddings/.</p>;
  return (
    <div className="lf-form-row" data-testid="embeddings">
      <span className="lf-muted">Embeddings (add to the prompt):</span>
      {embeddings.map((e) => (
        <button key={e.file} type="button" title={`Adds embedding:${e.name} to the prompt`} onClick={() => onInsert(`embedding:${e.name}`)}>{e.name}</button>
      ))}
    </div>
  );
}
