import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { describeHardware } from '../../../runtime/backends/index.ts';

describe('describeHardware', () => {
  it('reports the CPU, memory and a usable cpu backend, with a reason for every missing backend', async () => {
    const hardware = await describeHardware();
    expect(hardware.cpu.cores).toBe(os.cpus().length);
    expect(hardware.memoryBytes).toBe(os.totalmem());
    expect(hardware.backends.find((b) => b.name === 'cpu')).toEqual({ name: 'cpu', available: true });
    for (const backend of hardware.backends.filter((b) => !b.available)) expect(backend.reason).toMatch(/\w{5,}/);
    const cuda = hardware.backends.find((b) => b.name === 'cuda');
    expect(cuda).toBeDefined();
    if (hardware.gpus.length === 0) expect(cuda!.available).toBe(false);
  });
});
