import type { HardwareInfo } from '../runtime/backends/index.ts';
import type { Logger, Registry } from '../runtime/index.ts';
import type { ProjectFolders } from './files/project-folders.ts';
import type { LiveHub } from './live/hub.ts';
import type { RunQueue } from './run-queue.ts';
import type { WorkerDirectory } from './scale/worker-directory.ts';
import type { ComfyHistoryStore } from './store/comfy-history.ts';
import type { ImageStore } from './store/images.ts';
import type { ProjectStore } from './store/projects.ts';
import type { RunStore } from './store/runs.ts';

export interface PluginStatus {
  loaded: { name: string; version: string; source: string; nodes: string[] }[];
  failed: { source: string; code: string; message: string }[];
}

/** Everything the routes share, built once when the server starts. */
export interface ServerContext {
  dataDir: string;
  version: string;
  startedAt: number;
  /** The shipped workflows copied into every new project. */
  shippedWorkflowsDir: string;
  projects: ProjectStore;
  runs: RunStore;
  images: ImageStore;
  /** What ComfyUI's POST /history removed from its view. */
  comfyHistory: ComfyHistoryStore;
  folders: ProjectFolders;
  queue: RunQueue;
  /** The live workers, with `serve --redis`; undefined when runs execute in this process. */
  workers?: WorkerDirectory;
  hub: LiveHub;
  registry: Registry;
  plugins: PluginStatus;
  hardware: HardwareInfo;
  log: Logger;
}
