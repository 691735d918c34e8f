import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { controlNetNotFound } from '../checkpoint/errors.ts';
import { upToDateControlNet, type ConvertedControlNet } from './controlnet.ts';
import { convertControlNetInWorker } from './in-worker.ts';
import { controlNetFolderWeights, isControlNetFolder } from './controlnet-folder.ts';

/** Where ControlNets go: `<dataDir>/controlnet/`, as ComfyUI's models/controlnet. */
export const CONTROLNET_DIR = 'controlnet';
export const CONTROLNET_EXTENSIONS = ['.safetensors', '.pth', '.ckpt', '.pt', '.bin'] as const;
/** Where conversions are kept, one folder per ControlNet, hidden from the list. */
const CONVERTED_DIR = '.converted';

const controlNetDir = (dataDir: string) => join(resolve(dataDir), CONTROLNET_DIR);

/** The ControlNets in `<dataDir>/controlnet/`: original-layout files and diffusers folders (config.json), sorted by name. */
export function listControlNets(dataDir: string): string[] {
  const dir = controlNetDir(dataDir);
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => !entry.name.startsWith('.'))
      .filter((entry) => (entry.isFile()
        ? CONTROLNET_EXTENSIONS.some((ext) => entry.name.toLowerCase().endsWith(ext))
        : entry.isDirectory() && isControlNetFolder(join(dir, entry.name))))
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** The listed ControlNet named `name` (exactly, or a file without its extension), or a coded refusal. */
export function findControlNet(dataDir: string, name: string): { name: string; path: string } {
  const available = listControlNets(dataDir);
  const found = available.find((entry) => entry === name) ?? available.find((entry) => stemOf(entry) === name);
  if (!found) throw controlNetNotFound(name, controlNetDir(dataDir), available);
  return { name: found, path: join(controlNetDir(dataDir), found) };
}

/** The file whose change means a new conversion: the ControlNet file, or a folder's weight file. */
export function controlNetWeightsFile(path: string): string | undefined {
  return isControlNetFolder(path) ? controlNetFolderWeights(path) : path;
}

/**
 * Finds the named ControlNet and converts it to ONNX on first use (again when its file changes), on a worker
 * thread so that a server stays responsive meanwhile; `signal` cancels the conversion.
 */
export async function resolveControlNet(dataDir: string, name: string, signal?: AbortSignal): Promise<ConvertedControlNet & { name: string }> {
  const found = findControlNet(dataDir, name);
  const outDir = join(controlNetDir(dataDir), CONVERTED_DIR, found.name);
  const converted = upToDateControlNet(found.path, outDir) ?? await convertControlNetInWorker(found.path, outDir, { signal });
  return { ...converted, name: found.name };
}

function stemOf(name: string): string {
  const ext = CONTROLNET_EXTENSIONS.find((e) => name.toLowerCase().endsWith(e));
  return ext ? name.slice(0, -ext.length) : name;
}
