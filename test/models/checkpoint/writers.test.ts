import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  openCheckpoint,
  stableDiffusionExtras,
  syntheticTensors,
  writeCkpt,
  writeSafetensors,
  type TensorSpec,
} from '../../../models/checkpoint/index.ts';
import { RandomAccessFile } from '../../../models/checkpoint/random-access-file.ts';
import { ZipArchive } from '../../../models/checkpoint/zip-archive.ts';

const dir = mkdtempSync(join(tmpdir(), 'latentflow-writers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shapes: [string, number[]][] = [
  ['model.conv.weight', [4, 3, 3, 3]],
  ['model.conv.bias', [4]],
  ['model.norm.weight', [4]],
  ['model.linear.weight', [5, 4]],
];

function readAll(path: string): Map<string, Float32Array> {
  const source = openCheckpoint(path);
  try {
    return new Map(source.tensors.map((t) => [t.name, source.readSync(t.name)]));
  } finally {
    source.close();
  }
}

describe('checkpoint writers and readers round trip', () => {
  const tensors: TensorSpec[] = [...syntheticTensors(shapes, { seed: 7 }), ...stableDiffusionExtras()];
  const original = new Map(tensors.map((t) => [t.name, t.values()]));

  it.each([
    ['.ckpt', (path: string) => writeCkpt(path, tensors)],
    ['.ckpt with forced zip64 records', (path: string) => writeCkpt(path, tensors, { forceZip64: true })],
    ['.safetensors', (path: string) => writeSafetensors(path, tensors, { metadata: { format: 'pt' } })],
  ])('%s keeps every fp32 value exactly and int64 position ids as integers', (label, write) => {
    const path = join(dir, `round-trip-${label.replace(/\W+/g, '-')}`);
    write(path);
    const read = readAll(path);
    expect([...read.keys()]).toEqual(tensors.map((t) => t.name));
    for (const [name, values] of original) {
      expect(Array.from(read.get(name)!), name).toEqual(Array.from(values, Number));
    }
  });

  it('a forced-zip64 archive really carries zip64 records and still reads entry by entry', () => {
    const path = join(dir, 'zip64.ckpt');
    writeCkpt(path, tensors, { forceZip64: true, archiveName: 'zip64' });
    const file = RandomAccessFile.open(path);
    try {
      const tail = Buffer.from(file.read(file.size - 98, 98));
      expect(tail.readUInt32LE(0)).toBe(0x06064b50);
      expect(tail.readUInt32LE(56)).toBe(0x07064b50);
      const archive = ZipArchive.open(file);
      expect([...archive.entries.keys()]).toContain('zip64/data.pkl');
      for (const entry of archive.entries.values()) expect(archive.dataOffset(entry) % 64).toBe(0);
    } finally {
      file.close();
    }
  });

  it.each(['F16', 'BF16'] as const)('stores floats as %s and reads them back within that precision', (floatDType) => {
    for (const [format, write] of [
      ['ckpt', writeCkpt],
      ['safetensors', writeSafetensors],
    ] as const) {
      const path = join(dir, `half-${floatDType}.${format}`);
      write(path, tensors, { floatDType });
      const source = openCheckpoint(path);
      try {
        expect(source.info('model.conv.weight')?.dtype).toBe(floatDType);
        expect(source.info('betas')?.dtype).toBe('F32');
        const read = source.readSync('model.conv.weight');
        const exact = original.get('model.conv.weight') as Float32Array;
        const tolerance = floatDType === 'F16' ? 2 ** -11 : 2 ** -8;
        exact.forEach((value, i) => expect(Math.abs(read[i] - value)).toBeLessThanOrEqual(Math.abs(value) * tolerance + 1e-7));
      } finally {
        source.close();
      }
    }
  });

  it('leaves no temporary file behind, and none at all when a tensor fails to generate', () => {
    const failing: TensorSpec[] = [
      ...tensors,
      { name: 'broken', shape: [3], values: () => new Float32Array(2) },
    ];
    expect(() => writeCkpt(join(dir, 'failed.ckpt'), failing)).toThrow(/broken/);
    expect(() => writeSafetensors(join(dir, 'failed.safetensors'), failing)).toThrow(/broken/);
    expect(readdirSync(dir).filter((name) => name.includes('.tmp-') || name.startsWith('failed'))).toEqual([]);
  });
});

describe('synthetic weights', () => {
  it('depend only on the seed and the name, with norm gains near 1, small biases and fan-in scaled matrices', () => {
    const [a] = syntheticTensors([['x.weight', [64, 32, 3, 3]]], { seed: 1 });
    const [again] = syntheticTensors([['other', [1]], ['x.weight', [64, 32, 3, 3]]], { seed: 1 }).slice(1);
    const [reseeded] = syntheticTensors([['x.weight', [64, 32, 3, 3]]], { seed: 2 });
    const values = a.values();
    expect(Array.from(again.values())).toEqual(Array.from(values));
    expect(Array.from(reseeded.values())).not.toEqual(Array.from(values));
    const std = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length);
    expect(std).toBeGreaterThan(0.9 / Math.sqrt(32 * 9));
    expect(std).toBeLessThan(1.1 / Math.sqrt(32 * 9));
    const [gain, bias] = syntheticTensors([['n.weight', [256]], ['n.bias', [256]]]);
    for (const v of gain.values()) expect(Math.abs(Number(v) - 1)).toBeLessThan(0.1);
    for (const v of bias.values()) expect(Math.abs(Number(v))).toBeLessThan(0.02);
  });
});
