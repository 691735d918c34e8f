import { latentValues, type PreviewFrame } from '../../../contract/index.ts';
import type { NodePreview } from '../graph/schemes.ts';
import { latentToRgba } from './latent-preview.ts';

/** Turns preview frames into image URLs, releasing the URL a newer frame replaces. */
export class PreviewUrls {
  private readonly urls = new Map<string, string>();

  fromFrame(frame: PreviewFrame): NodePreview {
    const { header, payload } = frame;
    const key = `${header.runId}/${header.nodeId}`;
    let url: string;
    let width = header.width;
    let height = header.height;
    if (header.kind === 'image') {
      url = URL.createObjectURL(new Blob([payload as Uint8Array<ArrayBuffer>], { type: header.mime ?? 'image/png' }));
    } else {
      const image = latentToRgba(latentValues(payload), header.shape ?? []);
      const canvas = document.createElement('canvas');
      canvas.width = width = image.width;
      canvas.height = height = image.height;
      canvas.getContext('2d')!.putImageData(new ImageData(image.data as Uint8ClampedArray<ArrayBuffer>, image.width, image.height), 0, 0);
      url = canvas.toDataURL('image/png');
    }
    const previous = this.urls.get(key);
    if (previous?.startsWith('blob:')) URL.revokeObjectURL(previous);
    this.urls.set(key, url);
    return { url, width, height, step: header.step ?? undefined };
  }

  releaseAll(): void {
    for (const url of this.urls.values()) if (url.startsWith('blob:')) URL.revokeObjectURL(url);
    this.urls.clear();
  }
}
