import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readPngTextChunks, readPngWorkflow } from '../../../editor/src/workflow/png-workflow.ts';
import { sampleWorkflow } from '../fixtures.ts';

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(...chunks: Buffer[]): Uint8Array {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const idat = zlib.deflateSync(Buffer.from([0, 255, 0, 0]));
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', ihdr), ...chunks, chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]));
}

const text = (key: string, value: string) => chunk('tEXt', Buffer.concat([Buffer.from(`${key}\0`, 'latin1'), Buffer.from(value, 'utf8')]));
const itxt = (key: string, value: string, compressed: boolean) => chunk('iTXt', Buffer.concat([
  Buffer.from(`${key}\0`, 'latin1'),
  Buffer.from([compressed ? 1 : 0, 0]),
  Buffer.from('\0\0'),
  compressed ? zlib.deflateSync(Buffer.from(value, 'utf8')) : Buffer.from(value, 'utf8'),
]));
const ztxt = (key: string, value: string) => chunk('zTXt', Buffer.concat([Buffer.from(`${key}\0`, 'latin1'), Buffer.from([0]), zlib.deflateSync(Buffer.from(value, 'latin1'))]));

describe('reading the workflow embedded in a SaveImage PNG', () => {
  const workflow = sampleWorkflow();
  workflow.nodes.positive.inputs = { ...workflow.nodes.positive.inputs, text: 'un chat é 猫' };

  it('reads it from a tEXt chunk', async () => {
    expect(await readPngWorkflow(png(text('Software', 'latentflow'), text('workflow', JSON.stringify(workflow))), 'a.png')).toEqual(workflow);
  });

  it('reads it from an uncompressed iTXt chunk', async () => {
    expect(await readPngWorkflow(png(itxt('workflow', JSON.stringify(workflow), false)), 'a.png')).toEqual(workflow);
  });

  it('reads it from a compressed iTXt chunk', async () => {
    expect(await readPngWorkflow(png(itxt('workflow', JSON.stringify(workflow), true)), 'a.png')).toEqual(workflow);
  });

  it('reads zTXt chunks too', async () => {
    const chunks = await readPngTextChunks(png(ztxt('Comment', 'hello')));
    expect(chunks.get('Comment')).toBe('hello');
  });

  it('names the file when the PNG carries no workflow', async () => {
    await expect(readPngWorkflow(png(text('Software', 'x')), 'photo.png')).rejects.toMatchObject({
      code: 'png_without_workflow',
      message: expect.stringContaining('photo.png has no "workflow" text chunk'),
    });
  });

  it('rejects files that are not PNGs', async () => {
    await expect(readPngWorkflow(new TextEncoder().encode('{"version":1}'), 'x.png')).rejects.toMatchObject({ code: 'png_without_workflow', message: expect.stringContaining('not a PNG file') });
  });

  it('rejects a workflow chunk that is not JSON, keeping the parse error as cause', async () => {
    const error = await readPngWorkflow(png(text('workflow', '{nope')), 'bad.png').catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('bad.png: the "workflow" text chunk is not JSON');
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('rejects JSON that is not a version 1 workflow', async () => {
    await expect(readPngWorkflow(png(text('workflow', '{"version":2,"nodes":{}}')), 'v2.png')).rejects.toMatchObject({
      code: 'bad_workflow',
      message: 'v2.png: /version: Expected 1',
    });
  });
});
