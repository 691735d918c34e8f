import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openCheckpoint } from '../../../models/checkpoint/index.ts';
import { RandomAccessFile } from '../../../models/checkpoint/random-access-file.ts';
import { ZipArchive } from '../../../models/checkpoint/zip-archive.ts';
import { pickleStateDict } from '../../../models/checkpoint/torch-pickle-writer.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/checkpoints/${name}`, import.meta.url));

describe('.ckpt files written by torch.save (PyTorch 1.13)', () => {
  const expected = JSON.parse(readFileSync(fixture('torch-views.expected.json'), 'utf8')) as Record<
    string,
    { shape: number[]; values: number[] }
  >;

  it('lists every tensor of the state dict with its stored type and shape, and nothing else', () => {
    const source = openCheckpoint(fixture('torch-views.ckpt'));
    try {
      expect(source.format).toBe('ckpt');
      expect(source.tensors.map((t) => t.name)).toEqual(Object.keys(expected));
      expect(source.info('norm.bias')).toEqual({ name: 'norm.bias', dtype: 'F16', shape: [3] });
      expect(source.info('norm.weight')?.dtype).toBe('BF16');
      expect(source.info('embeddings.position_ids')).toMatchObject({ dtype: 'I64', shape: [1, 5] });
      expect(source.info('scalar')?.shape).toEqual([]);
    } finally {
      source.close();
    }
  });

  it('reads fp32, fp16, bf16, int64, float64, views with offsets and strides as the same float32 values', async () => {
    const source = openCheckpoint(fixture('torch-views.ckpt'));
    try {
      for (const [name, { shape, values }] of Object.entries(expected)) {
        expect(source.info(name)?.shape, name).toEqual(shape);
        const read = await source.read(name);
        expect(Array.from(read), name).toEqual(Array.from(Float32Array.from(values)));
      }
    } finally {
      source.close();
    }
  });

  it('reads a bare dict of tensors saved without a state_dict key', () => {
    const source = openCheckpoint(fixture('torch-bare.pt'));
    try {
      expect(source.tensors).toEqual([{ name: 'w', dtype: 'F32', shape: [2, 2] }]);
      expect(Array.from(source.readSync('w'))).toEqual([1, 1, 1, 1]);
    } finally {
      source.close();
    }
  });

  it('the pickle writer produces the very bytes torch.save wrote for the same state dict', () => {
    const file = RandomAccessFile.open(fixture('torch-simple.ckpt'));
    try {
      const torchPickle = ZipArchive.open(file).readEntry('torch-simple/data.pkl');
      const tensors = [
        { name: 'first.weight', dtype: 'F32' as const, shape: [3, 2] },
        { name: 'first.bias', dtype: 'F16' as const, shape: [3] },
        ...Array.from({ length: 300 }, (_, i) => ({ name: `many.${i}`, dtype: 'F32' as const, shape: [1] })),
        { name: 'big.mask', dtype: 'U8' as const, shape: [70000, 1] },
      ].map((t, i) => ({ ...t, key: String(i) }));
      expect(Buffer.from(pickleStateDict(tensors)).equals(Buffer.from(torchPickle))).toBe(true);
    } finally {
      file.close();
    }
  });
});
