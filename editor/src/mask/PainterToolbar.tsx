import type { Tool } from './brush.ts';

interface Props {
  tool: Tool;
  size: number;
  maxSize: number;
  onTool(tool: Tool): void;
  onSize(size: number): void;
  onClear(): void;
}

/** Brush or eraser, the brush size (in image pixels) and clearing the mask. */
export function PainterToolbar({ tool, size, maxSize, onTool, onSize, onClear }: Props) {
  return (
    <div className="lf-form-row lf-painter-tools" role="toolbar" aria-label="Mask tools">
      {(['brush', 'eraser'] as const).map((t) => (
        <button key={t} type="button" aria-pressed={tool === t} className={tool === t ? 'lf-primary' : undefined} onClick={() => onTool(t)}>
          {t === 'brush' ? 'Brush' : 'Eraser'}
        </button>
      ))}
      <label className="lf-inline">Size
        <input name="brush-size" type="range" min={1} max={maxSize} value={size} onChange={(e) => onSize(Number(e.target.value))} />
        <span>{size} px</span>
      </label>
      <button type="button" onClick={onClear}>Clear</button>
    </div>
  );
}
