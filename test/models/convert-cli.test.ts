import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main as convert } from '../../cli/convert.ts';
import { main as tinyModels } from '../../cli/tiny-models.ts';
import { DEFAULT_UNET_WEIGHTS } from '../../models/convert/index.ts';
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
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^converted: .*cli-model\\.ckpt -> .*cli-model \\(UNet channels \\[32,64\\], text width 64, weights float32, UNet ${DEFAULT_UNET_WEIGHTS}\\)$`));
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

  it('--unet chooses the UNet weights, recorded in the index and said in the summary', async () => {
    const io = capture();
    const out = join(dir, 'int8');
    expect(await convert([join(dir, 'cli-model.ckpt'), '--out', out, '--unet', 'int8', '--fp16'])).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'model_index.json'), 'utf8'))).toMatchObject({ weights: 'float16', unetWeights: 'int8' });
    expect(io.out().trim().split('\n').pop()).toMatch(/, weights float16, UNet int8\)$/);
  });

  it('an unknown --unet value is a usage error naming the flag and the allowed values, and converts nothing', async () => {
    const io = capture();
    expect(await convert([join(dir, 'cli-model.ckpt'), '--out', join(dir, 'int4'), '--unet', 'int4'])).toBe(2);
    expect(io.err()).toContain('--unet must be one of float, int8-matmul, int8, int8-static, got "int4"');
    expect(io.err()).toContain('--unet <weights>');
    expect(existsSync(join(dir, 'int4'))).toBe(false);
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
