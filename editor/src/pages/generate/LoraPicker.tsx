import type { AdapterFile } from '../../api/client.ts';
import type { LoraChoice } from './with-loras.ts';

interface Props {
  available: readonly AdapterFile[];
  embeddings: readonly AdapterFile[];
  chosen: readonly LoraChoice[];
  onChange(chosen: LoraChoice[]): void;
}

/** LoRAs from data/loras/ with a strength each, and the embeddings a prompt can name. */
export function LoraPicker({ available, embeddings, chosen, onChange }: Props) {
  const update = (i: number, change: Partial<LoraChoice>) => onChange(chosen.map((c, j) => (j === i ? { ...c, ...change } : c)));
  return (
    <div className="lf-form" data-testid="lora-picker">
      {chosen.map((lora, i) => (
        <div className="lf-form-row" key={i}>
          <label>LoRA
            <select name={`lora-${i}`} value={lora.name} onChange={(e) => update(i, { name: e.target.value })}>
              {available.map((file) => <option key={file.file} value={file.name}>{file.name}</option>)}
            </select>
          </label>
          <label>Strength <input name={`lora-strength-${i}`} type="number" min={-2} max={2} step={0.05} value={lora.strength} onChange={(e) => update(i, { strength: Number(e.target.value) })} /></label>
          <button type="button" onClick={() => onChange(chosen.filter((_, j) => j !== i))}>Remove</button>
        </div>
      ))}
      {available.length > 0
        ? <button type="button" onClick={() => onChange([...chosen, { name: available[0].name, strength: 1 }])}>Add LoRA</button>
        : <p className="lf-muted">No LoRAs in data/loras/.</p>}
      {embeddings.length > 0 && (
        <p className="lf-muted" data-testid="embeddings">
          Embeddings (write <code>embedding:name</code> in a prompt): {embeddings.map((e) => e.name).join(', ')}
        </p>
      )}
    </div>
  );
}
