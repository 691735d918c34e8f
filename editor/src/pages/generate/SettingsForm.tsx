import type { EnumWidgetDescription, NodeDescription, NumberWidgetDescription } from '../../api/types.ts';
import { inputNamed } from '../../../../contract/index.ts';
import { randomSeed } from '../../graph/seeds.ts';
import { NumberField, parseNumber } from '../../ui/NumberField.tsx';
import type { GenerateSettings } from './generation-request.ts';

interface Props {
  settings: GenerateSettings;
  onChange(settings: GenerateSettings): void;
  specs: ReadonlyMap<string, NodeDescription>;
  initImage?: File;
  onInitImage(file: File | undefined): void;
}

function widget<T>(specs: ReadonlyMap<string, NodeDescription>, type: string, input: string): T | undefined {
  const spec = specs.get(type);
  return (spec && inputNamed(spec, input)) as T | undefined;
}

/** Prompt, sampler, schedule, steps, CFG, seed, size, batch size and count, and init image; limits come from the node descriptions. */
export function SettingsForm({ settings, onChange, specs, initImage, onInitImage }: Props) {
  const set = <K extends keyof GenerateSettings>(key: K, value: GenerateSettings[K]) => onChange({ ...settings, [key]: value });
  const samplers = widget<EnumWidgetDescription>(specs, 'Scheduler', 'sampler')?.choices ?? [settings.sampler];
  const schedules = widget<EnumWidgetDescription>(specs, 'Scheduler', 'schedule')?.choices ?? [settings.schedule];
  const batchSize = widget<NumberWidgetDescription>(specs, 'EmptyLatent', 'batch_size');
  const steps = widget<NumberWidgetDescription>(specs, 'Scheduler', 'steps');
  const cfg = widget<NumberWidgetDescription>(specs, 'UNetStep', 'cfg');
  const width = widget<NumberWidgetDescription>(specs, 'EmptyLatent', 'width');
  const sizes: number[] = [0];
  for (let s = Math.max(width?.min ?? 64, 64); s <= Math.min(width?.max ?? 1024, 1024); s += 64) sizes.push(s);
  const sizeLabel = (s: number) => (s === 0 ? 'model native' : String(s));

  return (
    <div className="lf-form">
      <label>Prompt <textarea name="prompt" rows={3} value={settings.prompt} onChange={(e) => set('prompt', e.target.value)} /></label>
      <label>Negative prompt <textarea name="negative" rows={2} value={settings.negative} onChange={(e) => set('negative', e.target.value)} /></label>
      <div className="lf-form-row">
        <label>Sampler
          <select name="sampler" value={settings.sampler} onChange={(e) => set('sampler', e.target.value)}>
            {samplers.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>Schedule
          <select name="schedule" value={settings.schedule} onChange={(e) => set('schedule', e.target.value)}>
            {schedules.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label>Steps <NumberField name="steps" min={steps?.min ?? 1} max={steps?.max ?? 150} value={settings.steps} parse={(raw) => parseNumber(raw, true)} onCommit={(v) => set('steps', v)} /></label>
        <label>CFG scale <NumberField name="cfg" min={cfg?.min ?? 0} max={cfg?.max ?? 30} step={cfg?.step ?? 0.5} value={settings.cfg} parse={(raw) => parseNumber(raw, false)} onCommit={(v) => set('cfg', v)} /></label>
      </div>
      <div className="lf-form-row">
        <label>Seed <NumberField name="seed" min={0} max={4294967295} value={settings.seed} parse={(raw) => parseNumber(raw, true)} onCommit={(v) => set('seed', Math.max(0, v) >>> 0)} /></label>
        <button type="button" title="New random seed" onClick={() => set('seed', randomSeed())}>random</button>
        <label className="lf-inline"><input type="checkbox" checked={settings.randomizeSeed} onChange={(e) => set('randomizeSeed', e.target.checked)} /> new seed each run</label>
      </div>
      <div className="lf-form-row">
        <label>Width
          <select name="width" value={settings.width} onChange={(e) => set('width', Number(e.target.value))} disabled={initImage !== undefined}>
            {sizes.map((s) => <option key={s} value={s}>{sizeLabel(s)}</option>)}
          </select>
        </label>
        <label>Height
          <select name="height" value={settings.height} onChange={(e) => set('height', Number(e.target.value))} disabled={initImage !== undefined}>
            {sizes.map((s) => <option key={s} value={s}>{sizeLabel(s)}</option>)}
          </select>
        </label>
      </div>
      <div className="lf-form-row">
        <label>Batch size <NumberField name="batch-size" min={batchSize?.min ?? 1} max={batchSize?.max ?? 16} value={settings.batchSize} parse={(raw) => parseNumber(raw, true)} onCommit={(v) => set('batchSize', v)} disabled={initImage !== undefined} /></label>
        <label>Batch count <NumberField name="batch-count" min={1} max={16} value={settings.batchCount} parse={(raw) => parseNumber(raw, true)} onCommit={(v) => set('batchCount', v)} /></label>
      </div>
      <label>Init image (optional)
        <input name="init-image" type="file" accept="image/png,image/jpeg" onChange={(e) => onInitImage(e.target.files?.[0])} />
      </label>
      {initImage && (
        <div className="lf-form-row">
          <label>Strength <input name="strength" type="range" min={0} max={1} step={0.05} value={settings.strength} onChange={(e) => set('strength', Number(e.target.value))} /></label>
          <span>{settings.strength.toFixed(2)}</span>
          <button type="button" onClick={() => onInitImage(undefined)}>Remove image</button>
        </div>
      )}
    </div>
  );
}
