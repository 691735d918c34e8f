import type { MaskBitmap } from './masked-image.ts';
import { MaskPainter } from './MaskPainter.tsx';

export interface PaintingTarget {
  /** What is painted on, shown in the title. */
  name: string;
  picture: ImageData;
  initial?: MaskBitmap;
}

interface Props {
  target: PaintingTarget;
  onSave(mask: MaskBitmap): void;
  onCancel(): void;
}

/** The mask painter as a modal dialog over the page. */
export function MaskDialog({ target, onSave, onCancel }: Props) {
  return (
    <div className="lf-modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div className="lf-modal" role="dialog" aria-modal="true" aria-label={`Mask for ${target.name}`}>
        <h2>Mask for {target.name}</h2>
        <p className="lf-muted">Paint the region to repaint; the rest of the image is kept.</p>
        <MaskPainter picture={target.picture} initial={target.initial} onSave={onSave} onCancel={onCancel} />
      </div>
    </div>
  );
}
