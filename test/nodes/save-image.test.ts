import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import previewImage from '../../nodes/preview-image.ts';
import saveImage from '../../nodes/save-image.ts';
import { decodePng, readPngText } from '../../nodes/lib/png.ts';
import type { ImageBatch } from '../../nodes/lib/sd-types.ts';
import { fakeContext } from './fake-context.ts';

function twoImages(): ImageBatch {
  const data = new Uint8Array(2 * 4 * 2 * 3);
  data.fill(10, 0, 24);
  data.fill(250, 24);
  return { width: 4, height: 2, batch: 2, data };
}

const workflow = { version: 1, nodes: { positive: { type: 'Tokenizer', inputs: { text: 'a café in 東京' } } } };

describe('SaveImage', () => {
  it('writes one numbered PNG per image with the workflow embedded', async () => {
    const ctx = await fakeContext({ env: { workflow } });
    const { images } = await saveImage.execute({ image: twoImages(), filename_prefix: 'cat' }, ctx);
    expect(images).toEqual([
      { filename: 'cat_00001.png', width: 4, height: 2 },
      { filename: 'cat_00002.png', width: 4, height: 2 },
    ]);
    const second = await readFile(path.join(ctx.env.outputDir, 'cat_00002.png'));
    const png = decodePng(second);
    expect([png.width, png.height, png.channels]).toEqual([4, 2, 3]);
    expect(png.data.every((v) => v === 250)).toBe(true);
    expect(JSON.parse(readPngText(second).workflow)).toEqual(workflow);
  });

  it('never overwrites: a second run continues the numbering', async () => {
    const ctx = await fakeContext({ env: { workflow } });
    await saveImage.execute({ image: twoImages(), filename_prefix: 'run' }, ctx);
    const { images } = await saveImage.execute({ image: twoImages(), filename_prefix: 'run' }, ctx);
    expect(images.map((i) => i.filename)).toEqual(['run_00003.png', 'run_00004.png']);
    expect((await readdir(ctx.env.outputDir)).sort()).toEqual(['run_00001.png', 'run_00002.png', 'run_00003.png', 'run_00004.png']);
  });

  it('refuses a prefix that leaves the output folder, naming the input', async () => {
    const ctx = await fakeContext();
    await expect(saveImage.execute({ image: twoImages(), filename_prefix: '../../evil' }, ctx)).rejects.toMatchObject({
      code: 'filename_prefix_invalid',
      input: 'filename_prefix',
    });
  });

  it('writes into a sub-folder named by the prefix, reporting the file relative to the output folder', async () => {
    const ctx = await fakeContext({ env: { workflow } });
    const { images } = await saveImage.execute({ image: twoImages(), filename_prefix: 'portraits/cat' }, ctx);
    expect(images.map((i) => i.filename)).toEqual(['portraits/cat_00001.png', 'portraits/cat_00002.png']);
    expect((await readdir(path.join(ctx.env.outputDir, 'portraits'))).sort()).toEqual(['cat_00001.png', 'cat_00002.png']);
  });

  it('refuses to write through a symlinked sub-folder that points out of the output folder', async () => {
    const ctx = await fakeContext({ env: { workflow } });
    const outside = await mkdtemp(path.join(tmpdir(), 'lf-outside-'));
    await mkdir(ctx.env.outputDir, { recursive: true });
    await symlink(outside, path.join(ctx.env.outputDir, 'portraits'));
    await expect(saveImage.execute({ image: twoImages(), filename_prefix: 'portraits/cat' }, ctx)).rejects.toMatchObject({
      code: 'filename_prefix_invalid',
      input: 'filename_prefix',
    });
    expect(await readdir(outside)).toEqual([]);
  });

  it('reports a folder it cannot write to as output_write_failed, the server\'s fault rather than the prefix\'s', async () => {
    const ctx = await fakeContext();
    await mkdir(ctx.env.outputDir, { recursive: true });
    await writeFile(path.join(ctx.env.outputDir, 'taken'), 'a file where a folder should be');
    const failure = saveImage.execute({ image: twoImages(), filename_prefix: 'taken/cat' }, ctx);
    await expect(failure).rejects.toMatchObject({ code: 'output_write_failed', message: expect.stringContaining('taken/cat') });
    expect(((await failure.catch((error: unknown) => error)) as { input?: string }).input).toBeUndefined();
  });

  it('is an output node', () => {
    expect(saveImage.output).toBe(true);
  });
});

describe('PreviewImage', () => {
  it('sends each image as a PNG preview and writes nothing', async () => {
    const ctx = await fakeContext();
    const { images } = await previewImage.execute({ image: twoImages() }, ctx);
    expect(images).toEqual([{ width: 4, height: 2 }, { width: 4, height: 2 }]);
    expect(ctx.previews).toHaveLength(2);
    const first = ctx.previews[0];
    expect(first.kind).toBe('image');
    if (first.kind === 'image') expect(decodePng(first.data).data.every((v) => v === 10)).toBe(true);
    await expect(readdir(ctx.env.outputDir)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
