import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import jpeg from 'jpeg-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LatentflowServer } from '../../../server/index.ts';
import { solidPng, startTestServer, stepsWorkflow, tempDir, waitFor } from '../helpers.ts';

let server: LatentflowServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const upload = (body: Buffer | string, contentType: string, query = '') =>
  server.app.inject({ method: 'POST', url: `/api/projects/default/uploads${query}`, payload: body, headers: { 'content-type': contentType } });
/** A valid PNG container whose IHDR declares 8192 x 8192 over a few bytes of image data. */
function bombPng(): Buffer {
  const small = solidPng(1, 1);
  const ihdr = Buffer.from(small.subarray(8, 33));
  ihdr.writeUInt32BE(8192, 8);
  ihdr.writeUInt32BE(8192, 12);
  ihdr.writeUInt32BE(zlib.crc32(ihdr.subarray(4, 21)), 21);
  return Buffer.concat([small.subarray(0, 8), ihdr, small.subarray(33)]);
}
const inputs = () => path.join(server.context.dataDir, 'projects', 'default', 'inputs');
const outputs = () => path.join(server.context.dataDir, 'projects', 'default', 'outputs');

describe('output images', () => {
  it('lists what runs wrote, newest first, with the run and node that made each', async () => {
    const ids: string[] = [];
    for (const value of [2, 3]) ids.push((await server.app.inject({ method: 'POST', url: '/api/projects/default/runs', payload: { workflow: stepsWorkflow(value) } })).json().id);
    await waitFor(async () => ((await server.app.inject({ url: `/api/runs/${ids[1]}` })).json().status === 'finished' ? true : undefined));
    const list = (await server.app.inject({ url: '/api/projects/default/images' })).json();
    expect(list).toHaveLength(2);
    expect(list[0]).toMatchObject({ runId: ids[1], nodeId: 'save', url: `/api/projects/default/images/${list[0].filename}` });
    expect(list[1].runId).toBe(ids[0]);
    const image = await server.app.inject({ url: list[0].url });
    expect(image.statusCode).toBe(200);
    expect(image.rawPayload.equals(fs.readFileSync(path.join(outputs(), list[0].filename)))).toBe(true);
  });

  it('serves and lists an image a run saved into a sub-folder (filename prefix "portraits/cat")', async () => {
    const workflow = stepsWorkflow(2);
    Object.assign(workflow.nodes.save.inputs, { filename_prefix: 'portraits/cat' });
    const id = (await server.app.inject({ method: 'POST', url: '/api/projects/default/runs', payload: { workflow } })).json().id;
    const run = await waitFor(async () => {
      const record = (await server.app.inject({ url: `/api/runs/${id}` })).json();
      return record.status === 'finished' ? record : undefined;
    });
    const [saved] = run.outputs.images;
    expect(saved.filename).toMatch(/^portraits\/cat_\d{5}\.png$/);
    expect(saved.url).toBe(`/api/projects/default/images/${saved.filename}`);
    const image = await server.app.inject({ url: saved.url });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect((await server.app.inject({ url: `/api/projects/default/images/${encodeURIComponent(saved.filename)}` })).statusCode).toBe(200);
    const list = (await server.app.inject({ url: '/api/projects/default/images' })).json();
    expect(list).toEqual([expect.objectContaining({ filename: saved.filename, url: saved.url, runId: id, nodeId: 'save' })]);
  });

  it('neither lists nor serves images through a symlinked sub-folder that points outside', async () => {
    const outside = tempDir('outside');
    fs.writeFileSync(path.join(outside, 'secret.png'), solidPng(1, 1));
    fs.symlinkSync(outside, path.join(outputs(), 'linked'));
    expect((await server.app.inject({ url: '/api/projects/default/images' })).json()).toEqual([]);
    const response = await server.app.inject({ url: '/api/projects/default/images/linked/secret.png' });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('path_escape');
  });

  it('lists a file put into the folder by hand, without a run', async () => {
    fs.writeFileSync(path.join(outputs(), 'manual.jpg'), 'x');
    fs.writeFileSync(path.join(outputs(), 'notes.txt'), 'x');
    const list = (await server.app.inject({ url: '/api/projects/default/images' })).json();
    expect(list).toEqual([{ filename: 'manual.jpg', url: '/api/projects/default/images/manual.jpg', createdAt: expect.any(String) }]);
    expect((await server.app.inject({ url: list[0].url })).headers['content-type']).toBe('image/jpeg');
  });

  it('answers 404 image_not_found for missing files and non-images', async () => {
    fs.writeFileSync(path.join(outputs(), 'notes.txt'), 'x');
    for (const name of ['missing.png', 'notes.txt']) {
      const response = await server.app.inject({ url: `/api/projects/default/images/${name}` });
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('image_not_found');
    }
    expect((await server.app.inject({ url: '/api/projects/nope/images' })).json().code).toBe('project_not_found');
  });

  it('never serves a file outside the outputs folder', async () => {
    const dataFile = path.join(server.context.dataDir, 'latentflow.sqlite');
    for (const name of ['..%2F..%2F..%2Flatentflow.sqlite', '..%2Finputs%2Fx.png', '.hidden.png']) {
      const response = await server.app.inject({ url: `/api/projects/default/images/${name}` });
      expect(response.statusCode, name).toBe(400);
      expect(response.json().code).toBe('invalid_name');
    }
    const outside = tempDir('outside');
    fs.writeFileSync(path.join(outside, 'secret.png'), solidPng(1, 1));
    fs.symlinkSync(path.join(outside, 'secret.png'), path.join(outputs(), 'link.png'));
    const link = await server.app.inject({ url: '/api/projects/default/images/link.png' });
    expect(link.statusCode).toBe(400);
    expect(link.json().code).toBe('path_escape');
    expect(fs.existsSync(dataFile)).toBe(true);
  });
});

describe('uploads', () => {
  it('stores a real PNG in the project inputs folder under the asked name', async () => {
    const png = solidPng(16, 8);
    const response = await upload(png, 'image/png', '?name=cat.png');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ filename: 'cat.png', width: 16, height: 8, mime: 'image/png' });
    expect(fs.readFileSync(path.join(inputs(), 'cat.png')).equals(png)).toBe(true);
  });

  it('stores a real JPEG with the extension that matches its content, never replacing a file', async () => {
    const image = Buffer.from(jpeg.encode({ width: 8, height: 8, data: Buffer.alloc(256, 90) }, 80).data);
    expect((await upload(image, 'image/jpeg', '?name=photo.png')).json().filename).toBe('photo.jpg');
    expect((await upload(image, 'image/jpeg', '?name=photo')).json().filename).toBe('photo_1.jpg');
    expect((await upload(image, 'image/jpeg')).json().filename).toMatch(/^upload_\d+\.jpg$/);
    expect(fs.readdirSync(inputs()).filter((file) => file.startsWith('photo')).sort()).toEqual(['photo.jpg', 'photo_1.jpg']);
  });

  it('makes an odd but harmless name safe instead of refusing it', async () => {
    expect((await upload(solidPng(2, 2), 'image/png', `?name=${encodeURIComponent('My cat (1).PNG')}`)).json().filename).toBe('My_cat_1_.png');
    expect(fs.readdirSync(inputs())).toEqual(['My_cat_1_.png']);
  });

  it('refuses bytes that are not really the declared image type (400 invalid_image)', async () => {
    const fake = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('<script>alert(1)</script>'.repeat(4))]);
    for (const [body, type] of [[fake, 'image/png'], [solidPng(2, 2), 'image/jpeg'], [Buffer.from('hello'), 'image/png']] as const) {
      const response = await upload(body, type, '?name=x.png');
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('invalid_image');
    }
    expect(fs.readdirSync(inputs())).toEqual([]);
  });

  it('decodes before accepting: a PNG whose image data is an HTML page and a 23-byte JPEG with no scan data are 400 invalid_image', async () => {
    const html = solidPng(4, 4);
    const idatAt = html.indexOf('IDAT') - 4;
    const page = Buffer.from('<html><body>not pixels</body></html>');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(page.length);
    const body = Buffer.concat([Buffer.from('IDAT'), page]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    const htmlPng = Buffer.concat([html.subarray(0, idatAt), length, body, crc, html.subarray(html.length - 12)]);
    const noScan = Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0, 8, 0, 8, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0, 0xff, 0xd9]);
    for (const [bytes, type] of [[htmlPng, 'image/png'], [noScan, 'image/jpeg']] as const) {
      const response = await upload(bytes, type, '?name=x');
      expect(response.statusCode, type).toBe(400);
      expect(response.json().code).toBe('invalid_image');
    }
    expect(fs.readdirSync(inputs())).toEqual([]);
  });

  it('refuses a decompression bomb (8192 x 8192 declared in a small file) by its header with 413', async () => {
    const response = await upload(bombPng(), 'image/png', '?name=bomb');
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'payload_too_large', message: expect.stringMatching(/8192x8192/) });
    expect(fs.readdirSync(inputs())).toEqual([]);
  });

  it('refuses other content types with 415', async () => {
    for (const type of ['image/gif', 'text/plain', 'application/octet-stream']) {
      const response = await upload(Buffer.from('GIF89a'), type);
      expect(response.statusCode, type).toBe(415);
      expect(response.json().code).toBe('unsupported_media_type');
    }
    const json = await server.app.inject({ method: 'POST', url: '/api/projects/default/uploads', payload: { not: 'an image' } });
    expect(json.statusCode).toBe(415);
  });

  it('refuses a body over 20 MB and an image over 8192 px a side with 413', async () => {
    const huge = Buffer.alloc(20 * 1024 * 1024 + 1);
    solidPng(1, 1).copy(huge);
    const tooBig = await upload(huge, 'image/png');
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().code).toBe('payload_too_large');
    const wide = await upload(solidPng(9000, 1), 'image/png');
    expect(wide.statusCode).toBe(413);
    expect(wide.json().message).toMatch(/9000x1/);
  });

  it.each(['../../escape.png', '..%2Fescape.png', 'a/b.png', '.png', '..png'])('refuses the upload name %s', async (name) => {
    const response = await upload(solidPng(2, 2), 'image/png', `?name=${encodeURIComponent(name)}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('invalid_name');
    expect(fs.readdirSync(inputs())).toEqual([]);
    expect(fs.existsSync(path.join(server.context.dataDir, 'projects', 'escape.png'))).toBe(false);
  });

  it('does not write through a symlink planted in the inputs folder', async () => {
    const outside = tempDir('outside');
    fs.symlinkSync(path.join(outside, 'target.png'), path.join(inputs(), 'planted.png'));
    const response = await upload(solidPng(2, 2), 'image/png', '?name=planted.png');
    expect(response.json().code).toBe('path_escape');
    expect(fs.existsSync(path.join(outside, 'target.png'))).toBe(false);
  });

  it('serves an upload back by the name LoadImage reads, else the shipped example of that name; unknown and escaping names are refused', async () => {
    const body = solidPng(3, 2);
    const { filename } = (await upload(body, 'image/png', '?name=back.png')).json();
    const served = await server.app.inject({ url: `/api/projects/default/uploads/${filename}` });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.rawPayload.equals(body)).toBe(true);
    const example = await server.app.inject({ url: '/api/projects/default/uploads/example.png' });
    expect(example.rawPayload.equals(fs.readFileSync(path.resolve(import.meta.dirname, '../../../workflows/assets/example.png')))).toBe(true);
    expect((await server.app.inject({ url: '/api/projects/default/uploads/missing.png' })).json().code).toBe('input_image_not_found');
    expect((await server.app.inject({ url: '/api/projects/default/uploads/notes.txt' })).json().code).toBe('image_not_found');
    const escaping = await server.app.inject({ url: '/api/projects/default/uploads/..%2F..%2Flatentflow.sqlite.png' });
    expect(escaping.statusCode).toBe(400);
    expect(escaping.json().code).toBe('image_name_invalid');
    for (const hostile of [`${filename}/x.png`, `${'a'.repeat(300)}.png`]) {
      const response = await server.app.inject({ url: `/api/projects/default/uploads/${hostile}` });
      expect(response.statusCode, hostile).toBe(404);
      expect(response.json().code).toBe('input_image_not_found');
    }
  });

  it('answers 404 for uploads into an unknown project', async () => {
    const response = await server.app.inject({ method: 'POST', url: '/api/projects/nope/uploads', payload: solidPng(1, 1), headers: { 'content-type': 'image/png' } });
    expect(response.json().code).toBe('project_not_found');
  });
});
