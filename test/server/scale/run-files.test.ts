import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Workflow } from '../../../runtime/index.ts';
import { inputFilesOf, outputFileNames, renameOutputs, storeOutputFile } from '../../../server/scale/run-files.ts';
import { fromWirePreview, toWirePreview } from '../../../server/scale/protocol.ts';
import { tempDir } from '../helpers.ts';

describe('files that travel between the server and its workers', () => {
  it('a workflow takes along the input files it names, and nothing outside the input folder', async () => {
    const dir = tempDir('inputs');
    fs.writeFileSync(path.join(dir, 'cat.png'), 'png bytes');
    fs.writeFileSync(path.join(path.dirname(dir), 'secret.txt'), 'no');
    const workflow = { version: 1, nodes: { a: { type: 'LoadImage', inputs: { image: 'cat.png' } }, b: { type: 'X', inputs: { text: '../secret.txt', other: 'missing.png' } } } } as unknown as Workflow;
    expect(await inputFilesOf(workflow, dir)).toEqual({ 'cat.png': Buffer.from('png bytes').toString('base64') });
  });

  it('an output keeps its name when free or already holding the same bytes, and takes the next number when another image has it', async () => {
    const dir = tempDir('outputs');
    expect(await storeOutputFile(dir, 'txt2img_00001.png', Buffer.from('first'))).toBe('txt2img_00001.png');
    expect(await storeOutputFile(dir, 'txt2img_00001.png', Buffer.from('first'))).toBe('txt2img_00001.png');
    expect(await storeOutputFile(dir, 'txt2img_00001.png', Buffer.from('second'))).toBe('txt2img_00002.png');
    expect(await storeOutputFile(dir, 'sub/cat_00001.png', Buffer.from('third'))).toBe('sub/cat_00001.png');
    expect(fs.readFileSync(path.join(dir, 'txt2img_00002.png'), 'utf8')).toBe('second');
    await expect(storeOutputFile(dir, '../escape.png', Buffer.from('x'))).rejects.toMatchObject({ code: 'invalid_name' });
  });

  it('renamed outputs are renamed in the output nodes\' summaries', () => {
    const outputs = { save: { images: [{ filename: 'a_00001.png', width: 1 }, { filename: 'a_00002.png', width: 1 }] }, other: { value: 3 } };
    expect(outputFileNames(outputs)).toEqual(['a_00001.png', 'a_00002.png']);
    expect(renameOutputs(outputs, new Map([['a_00001.png', 'a_00007.png']]))).toEqual({
      save: { images: [{ filename: 'a_00007.png', width: 1 }, { filename: 'a_00002.png', width: 1 }] },
      other: { value: 3 },
    });
  });

  it('previews cross Redis as base64 and come back with the same bytes and floats', () => {
    const latent = { kind: 'latent' as const, data: Float32Array.from([1.5, -2, 0]), shape: [1, 1, 1, 3], step: 2 };
    expect(fromWirePreview(JSON.parse(JSON.stringify(toWirePreview(latent))))).toEqual(latent);
    const image = { kind: 'image' as const, mime: 'image/png' as const, data: Uint8Array.from([1, 2, 3]), width: 1, height: 1 };
    expect(fromWirePreview(JSON.parse(JSON.stringify(toWirePreview(image))))).toEqual(image);
  });
});
