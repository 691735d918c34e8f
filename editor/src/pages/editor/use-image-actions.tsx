import { useRef, useState, type ReactNode } from 'react';
import { api } from '../../api/client.ts';
import type { ImageActions } from '../../graph/image-actions.ts';
import { MaskDialog } from '../../mask/MaskDialog.tsx';
import type { MaskBitmap } from '../../mask/masked-image.ts';
import { openMaskedUpload, saveMaskedUpload, type MaskedUpload } from '../../mask/masked-upload.ts';
import type { Notify } from '../../ui/toasts.tsx';

interface Painting {
  name: string;
  upload: MaskedUpload;
  done(saved: string | undefined): void;
}

/** The editor's image widgets' actions: upload into the project, and the mask painter (its dialog is `dialog`). */
export function useImageActions(projectId: string, notify: Notify): { images: ImageActions; dialog: ReactNode } {
  const [painting, setPainting] = useState<Painting>();
  const busy = useRef(false);

  const upload = async (file: File) => {
    try {
      const { filename } = await api.upload(projectId, file);
      notify(`Uploaded ${file.name} as ${filename}`, 'info');
      return filename;
    } catch (e) {
      notify(`Could not upload ${file.name}: ${(e as Error).message}`, 'error');
      throw e;
    }
  };

  const paintMask = async (name: string) => {
    if (busy.current) return undefined;
    let opened: MaskedUpload;
    try {
      opened = await openMaskedUpload(projectId, name);
    } catch (e) {
      notify(`Could not open ${name} for painting: ${(e as Error).message}`, 'error');
      throw e;
    }
    busy.current = true;
    return new Promise<string | undefined>((resolve) => {
      setPainting({ name, upload: opened, done: (saved) => { busy.current = false; setPainting(undefined); resolve(saved); } });
    });
  };

  const save = async (mask: MaskBitmap) => {
    if (!painting) return;
    try {
      const saved = await saveMaskedUpload(projectId, painting.upload, mask);
      notify(`Saved the mask with ${painting.upload.source} as ${saved}`, 'info');
      painting.done(saved);
    } catch (e) {
      notify(`Could not save the mask: ${(e as Error).message}`, 'error');
    }
  };

  const dialog = painting && (
    <MaskDialog target={{ name: painting.name, picture: painting.upload.picture, initial: painting.upload.mask }}
      onSave={(mask) => void save(mask)} onCancel={() => painting.done(undefined)} />
  );
  return { images: { upload, paintMask }, dialog };
}
