import { readFileSync } from 'node:fs';

/** The vector extensions that decide which ORT kernels are fast (int8 dot products, bf16, AMX). */
const RELEVANT = ['avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx_vnni', 'avx512_bf16', 'avx512_fp16', 'amx_tile', 'amx_int8', 'amx_bf16'];

export function cpuFeatures(): string[] {
  const flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim().split(/\s+/) ?? [];
  return RELEVANT.filter((flag) => flags.includes(flag));
}
