import fs from 'node:fs/promises';
import path from 'node:path';
import { writeNumberedFile } from '../../nodes/lib/output-files.ts';
import type { Workflow } from '../../runtime/index.ts';
import { createFileAtomic } from '../files/atomic-write.ts';
import { assertFileName, resolveNamedFile } from '../files/safe-path.ts';

const FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The files of a project's input folder that a workflow names (e.g. LoadImage's `image`), base64 by name:
 * they travel with the run, so workers need no shared disk.
 */
export async function inputFilesOf(workflow: Workflow, inputsDir: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const node of Object.values(workflow.nodes)) {
    for (const value of Object.values(node.inputs ?? {})) {
      if (typeof value !== 'string' || !FILE_NAME.test(value) || value.includes('..') || value in files) continue;
      const bytes = await resolveNamedFile(inputsDir, value).then((file) => fs.readFile(file)).catch(() => undefined);
      if (bytes) files[value] = bytes.toString('base64');
    }
  }
  return files;
}

/** The file names output nodes report (`{ images: [{ filename }] }`), each once. */
export function outputFileNames(outputs: Record<string, unknown>): string[] {
  const names = new Set<string>();
  for (const summary of Object.values(outputs)) {
    if (!isRecord(summary) || !Array.isArray(summary.images)) continue;
    for (const image of summary.images) if (isRecord(image) && typeof image.filename === 'string') names.add(image.filename);
  }
  return [...names];
}

/** `prefix_00001.png` -> `prefix` and `png` (the prefix may hold sub-folders). */
function numberedParts(filename: string): { prefix: string; extension: string } {
  const match = /^(.*)_\d+\.([A-Za-z0-9]+)$/.exec(filename) ?? /^(.*)\.([A-Za-z0-9]+)$/.exec(filename);
  return match ? { prefix: match[1], extension: match[2] } : { prefix: filename, extension: 'bin' };
}

/**
 * Stores a file a worker sent under its own name when that is free (or already holds the same bytes:
 * a result delivered twice stores nothing twice), else under the next free number. Returns the name used.
 */
export async function storeOutputFile(outputsDir: string, filename: string, bytes: Buffer): Promise<string> {
  const parts = filename.split('/');
  for (const part of parts) assertFileName('output file name', part);
  await fs.mkdir(path.join(outputsDir, ...parts.slice(0, -1)), { recursive: true });
  const target = path.join(await fs.realpath(outputsDir), ...parts);
  const existing = await fs.readFile(target).catch(() => undefined);
  if (existing?.equals(bytes)) return filename;
  if (!existing && (await createFileAtomic(target, bytes))) return filename;
  const { prefix, extension } = numberedParts(filename);
  return writeNumberedFile(outputsDir, prefix, extension, bytes);
}

/** The output summaries with each renamed file's new name. */
export function renameOutputs(outputs: Record<string, unknown>, renamed: Map<string, string>): Record<string, unknown> {
  if (renamed.size === 0) return outputs;
  const rename = (image: unknown) =>
    isRecord(image) && typeof image.filename === 'string' && renamed.has(image.filename) ? { ...image, filename: renamed.get(image.filename) } : image;
  return Object.fromEntries(
    Object.entries(outputs).map(([nodeId, summary]) =>
      isRecord(summary) && Array.isArray(summary.images) ? [nodeId, { ...summary, images: summary.images.map(rename) }] : [nodeId, summary],
    ),
  );
}
