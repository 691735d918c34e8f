import { maskCoverage } from '../../mask/masked-image.ts';
import type { PaintedMask } from './use-init-image.tsx';

interface Props {
  mask?: PaintedMask;
  onPaint(): void;
  onRemove(): void;
}

/** Inpaint mode: paint a mask on the init image (then only that region is repainted), or remove it (back to img2img). */
export function InpaintControls({ mask, onPaint, onRemove }: Props) {
  return (
    <div className="lf-form-row" data-testid="inpaint-controls">
      <button type="button" onClick={onPaint}>{mask ? 'Edit mask…' : 'Paint mask (inpaint)…'}</button>
      {mask && (
        <>
          <span data-testid="mask-status">inpaint: {Math.round(maskCoverage(mask.mask) * 100)}% of the image masked</span>
          <button type="button" onClick={onRemove}>Remove mask</button>
        </>
      )}
    </div>
  );
}
