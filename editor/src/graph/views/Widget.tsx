import type { SyntheticEvent } from 'react';
import type { WidgetDescription } from '../../api/types.ts';
import type { SeedMode } from '../../workflow/types.ts';
import type { FlowNode } from '../schemes.ts';
import { randomSeed } from '../seeds.ts';
import type { WidgetEdit } from '../widget-edit.ts';
import type { ImageActions } from '../image-actions.ts';
import { NumberField, parseNumber } from '../../ui/NumberField.tsx';

interface Props {
  node: FlowNode;
  name: string;
  spec: WidgetDescription;
  onEdit(edit: WidgetEdit): void;
  images: ImageActions;
}

/** String inputs that name an uploaded image file; they get an upload button. */
const IMAGE_FILE_INPUTS = new Set(['LoadImage.image']);

// Keeps a drag on a widget from moving the node or panning the canvas.
const stop = (e: SyntheticEvent) => e.stopPropagation();

/** The editor for one literal input: number field and slider, text, checkbox, dropdown or seed. */
export function Widget({ node, name, spec, onEdit, images }: Props) {
  const value = node.values[name];
  const set = (next: unknown) => onEdit({ node, field: 'values', input: name, before: value, after: next });
  const common = { 'aria-label': `${node.id}.${name}`, 'data-testid': 'widget', 'data-input': name, onPointerDown: stop, onDoubleClick: stop };

  switch (spec.kind) {
    case 'int':
    case 'float': {
      const parse = (raw: string) => parseNumber(raw, spec.kind === 'int');
      const step = spec.step ?? (spec.kind === 'int' ? 1 : 0.01);
      const hasRange = spec.min !== undefined && spec.max !== undefined;
      return (
        <div className="lf-widget lf-number">
          {hasRange && <input type="range" min={spec.min} max={spec.max} step={step} value={Number(value)} onChange={(e) => set(parse(e.target.value))} onPointerDown={stop} tabIndex={-1} />}
          <NumberField {...common} min={spec.min} max={spec.max} step={step} value={Number(value)} parse={parse} onCommit={set} />
        </div>
      );
    }
    case 'string':
      if (IMAGE_FILE_INPUTS.has(`${node.spec.type}.${name}`)) {
        return (
          <div className="lf-widget lf-image-file">
            <input {...common} type="text" value={String(value ?? '')} onChange={(e) => set(e.target.value)} />
            <label className="lf-upload" onPointerDown={stop}>
              Upload…
              <input type="file" accept="image/png,image/jpeg" hidden aria-label={`${node.id}.${name} upload`}
                onChange={(e) => { const file = e.target.files?.[0]; if (file) void images.upload(file).then(set, () => undefined); e.target.value = ''; }} />
            </label>
            <button type="button" className="lf-upload" title="Paint a mask into this image's alpha channel (LoadImage's mask output)" aria-label={`${node.id}.${name} mask`}
              onPointerDown={stop} onClick={() => void images.paintMask(String(value ?? '')).then((saved) => saved !== undefined && set(saved), () => undefined)}>
              Mask…
            </button>
          </div>
        );
      }
      return spec.multiline
        ? <textarea {...common} className="lf-widget" rows={4} value={String(value ?? '')} onChange={(e) => set(e.target.value)} />
        : <input {...common} className="lf-widget" type="text" value={String(value ?? '')} onChange={(e) => set(e.target.value)} />;
    case 'boolean':
      return <input {...common} className="lf-widget" type="checkbox" checked={Boolean(value)} onChange={(e) => set(e.target.checked)} />;
    case 'enum':
      return (
        <select {...common} className="lf-widget" value={String(value)} onChange={(e) => set(e.target.value)}>
          {spec.choices.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
      );
    case 'seed': {
      const mode = node.seedModes[name] ?? 'fixed';
      return (
        <div className="lf-widget lf-seed">
          <NumberField {...common} min={0} max={4294967295} step={1} value={Number(value ?? 0)}
            parse={(raw) => { const n = parseNumber(raw, true); return n === undefined ? undefined : Math.max(0, n) >>> 0; }} onCommit={set} />
          <select aria-label={`${node.id}.${name} after each run`} data-testid="seed-mode" value={mode} onPointerDown={stop}
            onChange={(e) => onEdit({ node, field: 'seedModes', input: name, before: mode, after: e.target.value as SeedMode })}>
            <option value="fixed">fixed</option>
            <option value="increment">increment</option>
            <option value="randomize">randomize</option>
          </select>
          <button type="button" title="New random seed" onPointerDown={stop} onClick={() => set(randomSeed())}>random</button>
        </div>
      );
    }
  }
}
