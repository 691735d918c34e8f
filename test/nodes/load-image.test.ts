import { mkdir, mkdtemp, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import loadImage from '../../nodes/load-image.ts';
import type { ImageBatch } from '../../nodes/lib/sd-types.ts';
import { createExecutor, createRegistry, defineNode, definePlugin, socket } from '../../runtime/index.ts';
import type { Executor, RunEnvironment, RunEvent } from '../../runtime/index.ts';
import { encodePng } from '../../nodes/lib/png.ts';
import { writeChunks } from '../../contract/png-chunks.ts';
import { deflateSync } from 'node:zlib';
import { fakeContext } from './fake-context.ts';

function gradient(width: number, height: number, channels: 3 | 4) {
  const data = new Uint8Array(width * height * channels);
  for (let p = 0; p < width * height; p++) data.set([p % width, Math.floor(p / width), 77, 255].slice(0, channels), p * channels);
  return { width, height, channels, data };
}

describe('LoadImage', () => {
  it('reads a PNG from the input folder and centre-crops it to multiples of 8', async () => {
    const ctx = await fakeContext();
    await mkdir(ctx.env.inputDir, { recursive: true });
    await writeFile(path.join(ctx.env.inputDir, 'photo.png'), encodePng(gradient(70, 67, 4)));
    const { image } = await loadImage.execute({ image: 'photo.png' }, ctx);
    expect([image.width, image.height, image.batch]).toEqual([64, 64, 1]);
    expect(Array.from(image.data.subarray(0, 3))).toEqual([3, 1, 77]);
  });

  it('reads JPEG files, recognised by content', async () => {
    const ctx = await fakeContext();
    await mkdir(ctx.env.inputDir, { recursive: true });
    const rgba = gradient(16, 8, 4);
    await writeFile(path.join(ctx.env.inputDir, 'photo.dat'), jpeg.encode({ width: 16, height: 8, data: rgba.data }, 95).data);
    const { image } = await loadImage.execute({ image: 'photo.dat' }, ctx);
    expect([image.width, image.height]).toEqual([16, 8]);
    expect(Math.abs(image.data[2] - 77)).toBeLessThan(8);
  });

  it('falls back to the shipped example images', async () => {
    const { image } = await loadImage.execute({ image: 'example.png' }, await fakeContext());
    expect([image.width, image.height]).toEqual([64, 64]);
  });

  it('refuses names that leave the input folder', async () => {
    for (const name of ['../secret.png', '/etc/passwd', 'a/../../b.png']) {
      await expect(loadImage.execute({ image: name }, await fakeContext())).rejects.toMatchObject({ code: 'image_name_invalid', input: 'image' });
    }
  });

  it('refuses a symlink planted in the input folder that points to an image outside', async () => {
    const ctx = await fakeContext();
    const outside = await mkdtemp(path.join(tmpdir(), 'lf-outside-'));
    await writeFile(path.join(outside, 'secret.png'), encodePng(gradient(8, 8, 3)));
    await mkdir(ctx.env.inputDir, { recursive: true });
    await symlink(path.join(outside, 'secret.png'), path.join(ctx.env.inputDir, 'innocent.png'));
    await symlink(outside, path.join(ctx.env.inputDir, 'folder'));
    for (const image of ['innocent.png', 'folder/secret.png']) {
      await expect(loadImage.execute({ image }, ctx), image).rejects.toMatchObject({ code: 'image_name_invalid', input: 'image' });
    }
  });

  it('names the missing file and the unreadable one', async () => {
    const ctx = await fakeContext();
    await expect(loadImage.execute({ image: 'nope.png' }, ctx)).rejects.toMatchObject({ code: 'input_image_not_found', message: expect.stringContaining('nope.png') });
    await mkdir(ctx.env.inputDir, { recursive: true });
    await writeFile(path.join(ctx.env.inputDir, 'notes.txt'), 'hello');
    await expect(loadImage.execute({ image: 'notes.txt' }, ctx)).rejects.toThrow(/notes\.txt.*not a PNG or JPEG/);
  });

  it('refuses a file declaring more pixels than it will decode (a decompression bomb), naming the file', async () => {
    const ctx = await fakeContext();
    await mkdir(ctx.env.inputDir, { recursive: true });
    const header = new Uint8Array(13);
    new DataView(header.buffer).setUint32(0, 8192);
    new DataView(header.buffer).setUint32(4, 8192);
    header.set([8, 2, 0, 0, 0], 8);
    const bomb = writeChunks([{ type: 'IHDR', data: header }, { type: 'IDAT', data: deflateSync(new Uint8Array(100)) }, { type: 'IEND', data: new Uint8Array(0) }]);
    await writeFile(path.join(ctx.env.inputDir, 'bomb.png'), bomb);
    await expect(loadImage.execute({ image: 'bomb.png' }, ctx)).rejects.toMatchObject({
      code: 'image_too_large',
      input: 'image',
      message: expect.stringMatching(/bomb\.png.*8192x8192/),
    });
  });

  describe('in an executor', () => {
    const sink = defineNode({
      type: 'ImageSize',
      displayName: 'Image Size',
      category: 'test',
      description: '',
      output: true,
      inputs: { image: socket<ImageBatch>('IMAGE') },
      outputs: {},
      async execute({ image }) {
        return { width: image.width, height: image.height };
      },
    });
    const registry = createRegistry();
    registry.register(definePlugin({ name: 'load-image-test', version: '1', nodes: [loadImage, sink] }));
    const workflow = {
      version: 1,
      nodes: { image: { type: 'LoadImage', inputs: { image: 'photo.png' } }, size: { type: 'ImageSize', inputs: { image: { from: 'image', output: 'image' } } } },
    };
    const nodeEvents = async (executor: Executor, env: RunEnvironment) => {
      const events: RunEvent[] = [];
      const result = await executor.run(workflow, { env, onEvent: (event) => events.push(event) });
      const ran = events.flatMap((e) => (e.type === 'node_started' || e.type === 'node_cached' ? [`${e.type}:${e.nodeId}`] : []));
      return { result, ran };
    };

    it('is served from the cache while the file is unchanged, and re-read with its dependents once it is touched', async () => {
      const { env } = await fakeContext();
      const file = path.join(env.inputDir, 'photo.png');
      await mkdir(env.inputDir, { recursive: true });
      await writeFile(file, encodePng(gradient(16, 16, 3)));
      const executor = createExecutor({ registry });
      expect(await nodeEvents(executor, env)).toMatchObject({ ran: ['node_started:image', 'node_started:size'], result: { outputs: { size: { width: 16 } } } });
      expect((await nodeEvents(executor, env)).ran).toEqual(['node_cached:image', 'node_cached:size']);

      const later = new Date(Date.now() + 60_000);
      await utimes(file, later, later);
      expect((await nodeEvents(executor, env)).ran).toEqual(['node_started:image', 'node_started:size']);

      await writeFile(file, encodePng(gradient(24, 16, 3)));
      expect(await nodeEvents(executor, env)).toMatchObject({ ran: ['node_started:image', 'node_started:size'], result: { outputs: { size: { width: 24 } } } });
    });

    it('fails naming the node and the input when the file is missing', async () => {
      const { env } = await fakeContext();
      const { result } = await nodeEvents(createExecutor({ registry }), env);
      expect(result).toMatchObject({ status: 'failed', error: { code: 'input_image_not_found', nodeId: 'image', message: expect.stringContaining('photo.png') } });
    });
  });
});
