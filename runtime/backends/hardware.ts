import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import { listBackends } from './availability.ts';
import type { BackendInfo } from './types.ts';

export interface GpuInfo { name: string; memoryBytes?: number }

export interface HardwareInfo {
  cpu: { model: string; cores: number };
  memoryBytes: number;
  gpus: GpuInfo[];
  backends: BackendInfo[];
}

const run = promisify(execFile);

async function nvidiaGpus(): Promise<GpuInfo[]> {
  try {
    const { stdout } = await run('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'], { timeout: 3000 });
    return stdout.trim().split('\n').filter(Boolean).map((line) => {
      const [name, mib] = line.split(',').map((s) => s.trim());
      return { name, memoryBytes: Number(mib) * 1024 * 1024 };
    });
  } catch {
    return [];
  }
}

/** What this machine offers for inference: CPU, memory, GPUs and the usable backends. */
export async function describeHardware(): Promise<HardwareInfo> {
  const cpus = os.cpus();
  return {
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length },
    memoryBytes: os.totalmem(),
    gpus: await nvidiaGpus(),
    backends: listBackends(),
  };
}
