import type { RunOutputs } from './store/runs.ts';

/** The URL of an output image; `filename` may have sub-folders (`portraits/cat_00001.png`), each part encoded. */
export const imageUrl = (projectId: string, filename: string) =>
  `/api/projects/${encodeURIComponent(projectId)}/images/${filename.split('/').map(encodeURIComponent).join('/')}`;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Finds the images that output nodes wrote. An output node reports them as
 * `{ images: [{ filename, ... }] }` in its summary; other summaries are kept as they are.
 */
export function collectOutputs(projectId: string, outputs: Record<string, unknown>): RunOutputs {
  const images: RunOutputs['images'] = [];
  for (const [nodeId, summary] of Object.entries(outputs)) {
    if (!isRecord(summary) || !Array.isArray(summary.images)) continue;
    for (const image of summary.images) {
      if (isRecord(image) && typeof image.filename === 'string') {
        images.push({ nodeId, filename: image.filename, url: imageUrl(projectId, image.filename) });
      }
    }
  }
  return { images, nodes: outputs };
}
