import { truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeCkpt } from '../../../models/checkpoint/index.ts';
import { ZipWriter } from '../../../models/checkpoint/zip-writer.ts';
import { readEmbedding } from '../../../models/adapters/read-embedding.ts';
import { dataDirWithTinyModel, spec, values, writeLora } from './lora-fixtures.ts';

const dir = join(dataDirWithTinyModel(), 'embeddings');

describe('readEmbedding', () => {
  it('reads an A1111 .pt (string_to_param) with several vectors', () => {
    const path = join(dir, 'a1111.pt');
    writeCkpt(path, [spec('*', [3, 64], 1)], { wrapperKey: 'string_to_param' });
    expect(readEmbedding(path, 64)).toEqual({ rows: values(192, 1), vectors: 3 });
  });

  it('reads a .safetensors with one tensor (emb_params)', () => {
    const path = writeLora(join(dir, 'one.safetensors'), [spec('emb_params', [2, 64], 2)]);
    expect(readEmbedding(path, 64)).toEqual({ rows: values(128, 2), vectors: 2 });
  });

  it("reads diffusers' learned_embeds.bin: {token: vector}", () => {
    const path = join(dir, 'learned_embeds.bin');
    writeCkpt(path, [spec('<cat-toy>', [64], 3)], { wrapInStateDict: false });
    expect(readEmbedding(path, 64)).toEqual({ rows: values(64, 3), vectors: 1 });
  });

  it('refuses vectors of another width, an SDXL embedding, a truncated file and a pickle naming os.system, naming the file', async () => {
    const wide = writeLora(join(dir, 'wide.safetensors'), [spec('emb_params', [1, 768], 4)]);
    expect(() => readEmbedding(wide, 64)).toThrow(expect.objectContaining({ code: 'embedding_invalid', path: wide }));
    const sdxl = writeLora(join(dir, 'sdxl.safetensors'), [spec('clip_l', [1, 64], 5), spec('clip_g', [1, 128], 6)]);
    expect(() => readEmbedding(sdxl, 64)).toThrow(expect.objectContaining({ code: 'embedding_invalid', message: expect.stringContaining('SDXL') }));
    const cut = writeLora(join(dir, 'cut.safetensors'), [spec('emb_params', [1, 64], 7)]);
    await truncate(cut, 100);
    expect(() => readEmbedding(cut, 64)).toThrow(expect.objectContaining({ code: 'embedding_unreadable', path: cut }));
    const evil = join(dir, 'evil.pt');
    const zip = new ZipWriter(evil);
    zip.add('archive/data.pkl', [Buffer.from('\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.', 'latin1')]);
    zip.finish();
    expect(() => readEmbedding(evil, 64)).toThrow(expect.objectContaining({ code: 'embedding_unreadable', message: expect.stringContaining('os.system') }));
  });
});
