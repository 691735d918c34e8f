import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ort from 'onnxruntime-node';
import type { BackendInfo } from './types.ts';

const require = createRequire(import.meta.url);

/** onnxruntime-node's native folder for this platform, where downloadable execution providers are placed. */
function nativeFolder(): string {
  const packageRoot = path.dirname(require.resolve('onnxruntime-node/package.json'));
  return path.join(packageRoot, 'bin', 'napi-v6', process.platform, process.arch);
}

function nvidiaDriverPresent(): boolean {
  return existsSync('/proc/driver/nvidia/version') || existsSync('/dev/nvidiactl');
}

function cudaInfo(listed: boolean): BackendInfo {
  if (!listed) return { name: 'cuda', available: false, reason: `onnxruntime-node has no CUDA build for ${process.platform}/${process.arch}` };
  if (!existsSync(path.join(nativeFolder(), 'libonnxruntime_providers_cuda.so'))) {
    return {
      name: 'cuda',
      available: false,
      reason: 'the CUDA execution provider of onnxruntime-node is not installed (it was skipped at install time; see README, "CUDA")',
    };
  }
  if (!nvidiaDriverPresent()) return { name: 'cuda', available: false, reason: 'no NVIDIA driver found (/proc/driver/nvidia)' };
  return { name: 'cuda', available: true };
}

/** The execution providers onnxruntime-node offers here, each with whether it can be used and why not. */
export function listBackends(): BackendInfo[] {
  const supported = ort.listSupportedBackends();
  const names = new Set(supported.map((b) => b.name));
  const result: BackendInfo[] = [{ name: 'cpu', available: true }];
  result.push(cudaInfo(names.has('cuda')));
  for (const backend of supported) {
    if (backend.name === 'cpu' || backend.name === 'cuda') continue;
    if (backend.name === 'tensorrt') {
      result.push({ name: 'tensorrt', available: false, reason: 'TensorRT is not installed with onnxruntime-node here' });
    } else if (backend.name === 'webgpu') {
      result.push({ name: 'webgpu', available: false, reason: 'the WebGPU provider needs a GPU adapter; latentflow does not use it on servers' });
    } else {
      result.push({ name: backend.name, available: backend.bundled, reason: backend.bundled ? undefined : 'not bundled with onnxruntime-node' });
    }
  }
  return result;
}
