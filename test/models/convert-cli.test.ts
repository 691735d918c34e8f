import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as convert } from '../../cli/convert.ts';
import { main as tinyModels } from '../../cli/tiny-models.ts';
import { writeTinyCheckpoint, withoutTensor } from '../fixtures/tiny-checkpoint.ts';

const dir = mkdtempSync(join(tmpdir(), 'latentflow-convert-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => {
  writeTinyCheckpoint(join(dir, 'cli-model.ckpt'));
  writeTinyCheckpoint(join(dir, 'broken.ckpt'), { edit: withoutTensor('model.diffusion_model.out.2.bias') });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((text) => out.push(String(text)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((text) => err.push(String(text)) > 0);
  return { out: () => out.join(''), err: () => err.join('') };
}
afterEach(() => vi.restoreAllMocks());

describe('latentflow convert', () => {
  it('converts into <data>/models/<stem> with plain progress lines off a terminal, then reports it is already done', async () => {
    const io = capture();
    const data = join(dir, 'data');
    expect(await convert([join(dir, 'cli-model.ckpt'), '--data', data])).toBe(0);
    expect(existsSync(join(data, 'models', 'cli-model', 'unet', 'model.onnx'))).toBe(true);
    const lines = io.out().trim().split('\n');
    expect(lines.filter((line) => line.startsWith('converting: ')).length).toBeGreaterThanOrEqual(2);
    expect(lines.some((line) => line.startsWith('converting: 100%'))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/^converted: .*cli-model\.ckpt -> .*cli-model \(UNet channels \[32,64\], text width 64\)$/);
    expect(io.out()).not.toContain('\r');

    expect(await convert([join(dir, 'cli-model.ckpt'), '--data', data])).toBe(0);
    expect(io.out().trim().split('\n').pop()).toMatch(/^already converted: /);
  });

  it('--out and --fp16 choose the folder and the weight type', async () => {
    capture();
    const out = join(dir, 'elsewhere');
    expect(await convert([join(dir, 'cli-model.ckpt'), '--out', out, '--fp16'])).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'model_index.json'), 'utf8')).weights).toBe('float16');
  });

  it('a bad checkpoint exits 1 with its error code and message, and writes no folder', async () => {
    const io = capture();
    expect(await convert([join(dir, 'broken.ckpt'), '--out', join(dir, 'never')])).toBe(1);
    expect(io.err()).toMatch(/^error \[checkpoint_missing_tensors\]: .*broken\.ckpt/);
    expect(io.err()).toContain('model.diffusion_model.out.2.bias');
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('usage mistakes exit 2', async () => {
    const io = capture();
    expect(await convert([])).toBe(2);
    expect(await convert(['a.ckpt', '--bogus'])).toBe(2);
    expect(io.err()).toContain('usage: latentflow convert');
  });
});

describe('latentflow tiny-models', () => {
  it('writes the tiny models under --data and says where', async () => {
    const io = capture();
    expect(await tinyModels(['--data', join(dir, 'tiny-data')])).toBe(0);
    expect(io.out()).toBe(`tiny models ready in ${join(dir, 'tiny-data', 'models', 'tiny')}\n`);
    expect(existsSync(join(dir, 'tiny-data', 'models', 'tiny', 'model_index.json'))).toBe(true);
  });
});
