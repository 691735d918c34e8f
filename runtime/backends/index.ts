export type {
  BackendInfo,
  ModelSession,
  ProgramHost,
  ProgramOptions,
  SessionOptions,
  SessionPool,
  SessionProgram,
  SessionSettings,
  Tensor,
  TensorData,
  TensorInfo,
  TensorType,
} from './types.ts';
export { createSessionPool, type InferenceTiming } from './session-pool.ts';
export { listBackends } from './availability.ts';
export { describeHardware, type GpuInfo, type HardwareInfo } from './hardware.ts';
