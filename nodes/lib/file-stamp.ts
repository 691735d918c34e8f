import { statSync } from 'node:fs';

/** Size and modification time of a file, or `-` when there is none: enough for a fingerprint to notice a change. */
export function fileStamp(path: string | undefined): string {
  if (path === undefined) return '-';
  try {
    const stats = statSync(path, { bigint: true });
    return `${path}:${stats.size}@${stats.mtimeNs}`;
  } catch {
    return '-';
  }
}
