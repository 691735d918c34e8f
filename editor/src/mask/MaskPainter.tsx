import { useEffect, useRef, useState, type PointerEvent } from 'react';
import { dab, defaultBrushSize, readMask, stroke, writeMask, type Point, type Tool } from './brush.ts';
import type { MaskBitmap } from './masked-image.ts';
import { PainterToolbar } from './PainterToolbar.tsx';

interface Props {
  /** The image painted on, opaque. */
  picture: ImageData;
  /** The mask to start from (the image's alpha when it has one). */
  initial?: MaskBitmap;
  onSave(mask: MaskBitmap): void;
  onCancel(): void;
}

/** Paints a mask over an image at the image's own resolution: brush, eraser, size, clear; Save hands the mask on. */
export function MaskPainter({ picture, initial, onSave, onCancel }: Props) {
  const imageCanvas = useRef<HTMLCanvasElement>(null);
  const maskCanvas = useRef<HTMLCanvasElement>(null);
  const last = useRef<Point>(undefined);
  const [tool, setTool] = useState<Tool>('brush');
  const [size, setSize] = useState(() => defaultBrushSize(picture.width, picture.height));
  /** Where the brush outline is drawn, in screen pixels within the stage, and how wide. */
  const [cursor, setCursor] = useState<{ left: number; top: number; width: number }>();
  const maskContext = () => maskCanvas.current?.getContext('2d', { willReadFrequently: true }) ?? undefined;

  useEffect(() => {
    imageCanvas.current?.getContext('2d')?.putImageData(picture, 0, 0);
    const context = maskContext();
    if (!context) return;
    context.clearRect(0, 0, picture.width, picture.height);
    if (initial) writeMask(context, initial);
  }, [picture, initial]);

  /** The pointer's position in image pixels (the canvas is shown scaled). */
  const at = (event: PointerEvent<HTMLCanvasElement>): Point => {
    const box = event.currentTarget.getBoundingClientRect();
    return { x: ((event.clientX - box.left) * picture.width) / box.width, y: ((event.clientY - box.top) * picture.height) / box.height };
  };
  const down = (event: PointerEvent<HTMLCanvasElement>) => {
    const context = maskContext();
    if (!context || event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    last.current = at(event);
    dab(context, last.current, size, tool);
  };
  const move = (event: PointerEvent<HTMLCanvasElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    setCursor({ left: event.clientX - box.left, top: event.clientY - box.top, width: (size * box.width) / picture.width });
    const context = maskContext();
    if (!context || !last.current) return;
    const next = at(event);
    stroke(context, last.current, next, size, tool);
    last.current = next;
  };
  const up = () => {
    last.current = undefined;
  };
  const save = () => {
    const context = maskContext();
    if (context) onSave(readMask(context));
  };

  return (
    <div className="lf-mask-painter" data-testid="mask-painter">
      <div className="lf-mask-stage" style={{ aspectRatio: `${picture.width} / ${picture.height}` }}>
        <canvas ref={imageCanvas} width={picture.width} height={picture.height} />
        <canvas ref={maskCanvas} width={picture.width} height={picture.height} className="lf-mask-layer" data-testid="mask-canvas"
          onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={up} onPointerLeave={() => setCursor(undefined)} />
        {cursor && <div className="lf-brush-cursor" style={{ left: cursor.left, top: cursor.top, width: cursor.width, height: cursor.width }} />}
      </div>
      <PainterToolbar tool={tool} size={size} maxSize={Math.max(2, Math.round(Math.max(picture.width, picture.height) / 2))}
        onTool={setTool} onSize={setSize} onClear={() => maskContext()?.clearRect(0, 0, picture.width, picture.height)} />
      <div className="lf-actions">
        <button type="button" className="lf-primary" onClick={save}>Save mask</button>
        <button type="button" onClick={onCancel}>Cancel</button>
      </div>
    </div>
  );
}
