import { readFileSync } from 'node:fs';

/** This process's peak resident memory (VmHWM: every thread, ORT's included), in bytes. */
export function peakRssBytes(): number {
  const status = readFileSync('/proc/self/status', 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error('no VmHWM line in /proc/self/status (the benchmarks need Linux)');
  return Number(match[1]) * 1024;
}
