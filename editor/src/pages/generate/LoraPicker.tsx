import type { AdapterFile } from '../../api/client.ts';
import type { LoraChoice } from './with-loras.ts';
import { NumberField, parseNumber } from '../../ui/NumberField.tsx';

interface Props {
  available: readonly AdapterFile[];
  chosen: readonly LoraChoice[];
  onChange(chosen: LoraChoice[]): void;
}

/** LoRAs from data/loras/, each with a strength (for the UNet and the text encoder alike). */
export function LoraPicker({ available, chosen, onChange }: Props) {
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
          <label>Strength <NumberField name={`lora-strength-${i}`} min={-2} max={2} step={0.05} value={lora.strength} parse={(raw) => parseNumber(raw, false)} onCommit={(strength) => update(i, { strength })} /></label>
          <button type="button" onClick={() => onChange(chosen.filter((_, j) => j !== i))}>Remove</button>
        </div>
      ))}
      {available.length > 0
        ? <button type="button" onClick={() => onChange([...chosen, { name: available[0].name, strength: 1 }])}>Add LoRA</button>
        : <p className="lf-muted">No LoRAs in data/loras/.</p>}
    </div>
  );
}
