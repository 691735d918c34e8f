import { useState, type ReactNode } from 'react';
import { api } from '../../api/client.ts';
import { decodePicture, opaque } from '../../mask/load-picture.ts';
import { MaskDialog } from '../../mask/MaskDialog.tsx';
import { maskedPng, maskFromAlpha, type MaskBitmap } from '../../mask/masked-image.ts';
import type { Notify } from '../../ui/toasts.tsx';
import type { InitImage } from './generation-request.ts';

/** The mask painted on the init image, with the pixels it was painted over. */
export interface PaintedMask { picture: ImageData; mask: MaskBitmap }

export interface InitImageState {
  file?: File;
  setFile(file: File | undefined): void;
  mask?: PaintedMask;
  /** Opens the painter on the init image (starting from the mask painted before, else the image's alpha). */
  paint(): Promise<void>;
  removeMask(): void;
  /** The painter while it is open. */
  dialog: ReactNode;
  /** Uploads the init image, with the mask in its alpha when one is painted; unchanged ones are not uploaded again. */
  upload(): Promise<InitImage | undefined>;
}

const baseName = (file: File) => file.name.replace(/\.(png|jpe?g)$/i, '');

/** The generate page's init image: the file picked, the mask painted on it (inpaint mode) and their upload. */
export function useInitImage(projectId: string, notify: Notify): InitImageState {
  const [file, setFileState] = useState<File>();
  const [mask, setMask] = useState<PaintedMask>();
  const [painting, setPainting] = useState<{ picture: ImageData; initial: MaskBitmap }>();
  const [uploaded, setUploaded] = useState<{ of: File | PaintedMask; init: InitImage }>();

  const setFile = (next: File | undefined) => {
    setFileState(next);
    setMask(undefined);
  };

  const paint = async () => {
    if (!file) return;
    try {
      if (mask) {
        setPainting({ picture: mask.picture, initial: mask.mask });
      } else {
        const pixels = await decodePicture(file);
        setPainting({ picture: opaque(pixels), initial: maskFromAlpha(pixels) });
      }
    } catch (e) {
      notify(`Could not open ${file.name} for painting: ${(e as Error).message}`, 'error');
    }
  };

  const upload = async (): Promise<InitImage | undefined> => {
    if (!file) return undefined;
    const of = mask ?? file;
    if (uploaded?.of === of) return uploaded.init;
    const body = mask
      ? new File([(await maskedPng(mask.picture, mask.mask, file.name)) as Uint8Array<ArrayBuffer>], `${baseName(file)}-masked.png`, { type: 'image/png' })
      : file;
    const { filename } = await api.upload(projectId, body);
    const init = { image: filename, masked: mask !== undefined };
    setUploaded({ of, init });
    return init;
  };

  const dialog = painting && file && (
    <MaskDialog target={{ name: file.name, picture: painting.picture, initial: painting.initial }}
      onSave={(painted) => { setMask({ picture: painting.picture, mask: painted }); setPainting(undefined); }}
      onCancel={() => setPainting(undefined)} />
  );
  return { file, setFile, mask, paint, removeMask: () => setMask(undefined), dialog, upload };
}
