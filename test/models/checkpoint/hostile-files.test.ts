import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpoint, openSafetensors, type ModelFileCode } from '../../../models/checkpoint/index.ts';
import { ProtocolTwoPickler } from '../../../models/checkpoint/torch-pickle-writer.ts';
import { ZipWriter } from '../../../models/checkpoint/zip-writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'latentflow-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function zipOf(name: string, pickle: Uint8Array, storages: Record<string, Uint8Array> = {}): string {
  const path = join(dir, name);
  const zip = new ZipWriter(path);
  zip.add('archive/data.pkl', [pickle]);
  for (const [key, bytes] of Object.entries(storages)) zip.add(`archive/data/${key}`, [bytes]);
  zip.finish();
  return path;
}

function thrownBy(path: string): unknown {
  try {
    openCheckpoint(path).close();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectCode(path: string, code: ModelFileCode, message?: RegExp) {
  const thrown = thrownBy(path);
  expect(thrown, `opening ${path}`).toMatchObject({ name: 'ModelFileError', code, path });
  if (message) expect((thrown as Error).message).toMatch(message);
}

/** `{'w': _rebuild_tensor_v2(('storage', FloatStorage, '0', 'cpu', numel), offset, shape, stride, False, OrderedDict())}` */
function tensorPickle(options: { numel: number; offset: number; shape: number[]; stride: number[] }): Uint8Array {
  const p = new ProtocolTwoPickler();
  p.op(0x80, 2);
  p.dict([
    [
      () => p.string('w'),
      () =>
        p.call('torch._utils', '_rebuild_tensor_v2', [
          () => {
            p.tuple([() => p.string('storage'), () => p.global('torch', 'FloatStorage'), () => p.string('0'), () => p.string('cpu'), () => p.int(options.numel)]);
            p.op(0x51);
          },
          () => p.int(options.offset),
          () => p.tuple(options.shape.map((n) => () => p.int(n))),
          () => p.tuple(options.stride.map((n) => () => p.int(n))),
          () => p.op(0x89),
          () => p.call('collections', 'OrderedDict', []),
        ]),
    ],
  ]);
  p.op(0x2e);
  return p.bytes();
}

function safetensorsOf(name: string, header: Record<string, unknown>, dataBytes: number): string {
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([prefix, json, Buffer.alloc(dataBytes)]));
  return path;
}

describe('hostile pickles are refused with a coded error, in time linear in their size', () => {
  it('a 1 MiB LONG4 integer is refused by its size instead of decoded', () => {
    const long = Buffer.alloc(5 + (1 << 20), 0x7f);
    long[0] = 0x8b;
    long.writeUInt32LE(1 << 20, 1);
    const pickle = Buffer.concat([Buffer.from([0x80, 0x02]), long, Buffer.from('.')]);
    expectCode(zipOf('long4.ckpt', pickle), 'checkpoint_unsupported', /integer of 1048576 bytes/);
  });

  it('many 255-byte LONG1 integers still decode in linear time', () => {
    const one = Buffer.concat([Buffer.from([0x8a, 64]), Buffer.alloc(64, 0x11), Buffer.from([0x30])]); // LONG1, POP
    const pickle = Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.concat(Array.from({ length: 20000 }, () => one)), Buffer.from('}.')]);
    expectCode(zipOf('longs.ckpt', pickle), 'checkpoint_no_state_dict');
  });

  it('a list of 400,000 items appended at once is read (it holds no tensors) rather than overflowing the stack', () => {
    const items = Buffer.alloc(400_000, 0x4e); // NONE
    const pickle = Buffer.concat([Buffer.from([0x80, 0x02, 0x5d, 0x28]), items, Buffer.from('e.')]); // EMPTY_LIST MARK ... APPENDS
    expectCode(zipOf('big-list.ckpt', pickle), 'checkpoint_no_state_dict');
  });

  it('a dict of 400,000 entries set at once is read in one pass', () => {
    const pairs = Buffer.alloc(800_000, 0x4e);
    const pickle = Buffer.concat([Buffer.from([0x80, 0x02, 0x7d, 0x28]), pairs, Buffer.from('u.')]);
    expectCode(zipOf('big-dict.ckpt', pickle), 'checkpoint_no_state_dict');
  });

  it('a persistent id nested 200,000 lists deep is described without recursion', () => {
    const nest = Buffer.concat([Buffer.alloc(200_000, 0x5d), Buffer.alloc(199_999, 0x61)]); // EMPTY_LIST x n, APPEND x n-1
    const pickle = Buffer.concat([Buffer.from([0x80, 0x02]), nest, Buffer.from([0x85, 0x51, 0x2e])]); // TUPLE1 BINPERSID STOP
    expectCode(zipOf('deep-pid.ckpt', pickle), 'checkpoint_corrupt', /persistent id/);
  });

  it('a pickle that ends inside an instruction is damaged, not a crash', () => {
    expectCode(zipOf('cut-pickle.ckpt', Buffer.from([0x80, 0x02, 0x58, 0xff, 0xff])), 'checkpoint_corrupt', /ends in the middle/);
  });
});

describe('every tensor byte range is checked against its dtype, shape and the file', () => {
  it('safetensors tensors whose byte ranges overlap are refused, naming both', () => {
    const path = safetensorsOf('overlap.safetensors', {
      a: { dtype: 'F32', shape: [4], data_offsets: [0, 16] },
      b: { dtype: 'F32', shape: [4], data_offsets: [8, 24] },
    }, 24);
    expectCode(path, 'checkpoint_corrupt', /a and b overlap/);
  });

  it('a safetensors offset that points back into the header (before the data start) is refused', () => {
    const path = safetensorsOf('in-header.safetensors', { a: { dtype: 'F32', shape: [2], data_offsets: [-8, 0] } }, 8);
    expectCode(path, 'checkpoint_corrupt', /not a range after the header/);
  });

  it('a safetensors range that ends before it begins, or a negative or fractional shape, is refused', () => {
    expectCode(safetensorsOf('backwards.safetensors', { a: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, 8), 'checkpoint_corrupt');
    expectCode(safetensorsOf('neg-shape.safetensors', { a: { dtype: 'F32', shape: [-1, -4], data_offsets: [0, 16] } }, 16), 'checkpoint_corrupt', /shape/);
    expectCode(safetensorsOf('frac-shape.safetensors', { a: { dtype: 'F32', shape: [0.5, 8], data_offsets: [0, 16] } }, 16), 'checkpoint_corrupt', /shape/);
  });

  it('a safetensors header that is JSON but not an object is damaged', () => {
    const json = Buffer.from('[1, 2, 3]');
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(json.length));
    const path = join(dir, 'array-header.safetensors');
    writeFileSync(path, Buffer.concat([prefix, json]));
    expect(() => openSafetensors(path)).toThrow(expect.objectContaining({ code: 'checkpoint_corrupt', path }));
  });

  it('a .ckpt tensor with a negative storage offset is refused', () => {
    const path = zipOf('neg-offset.ckpt', tensorPickle({ numel: 4, offset: -2, shape: [2], stride: [1] }), { 0: new Uint8Array(16) });
    expectCode(path, 'checkpoint_corrupt', /negative storage offset/);
  });

  it('a .ckpt tensor view reaching past its storage is refused when the file is opened, not when it is read', () => {
    const path = zipOf('past-end.ckpt', tensorPickle({ numel: 4, offset: 3, shape: [2], stride: [1] }), { 0: new Uint8Array(16) });
    expectCode(path, 'checkpoint_corrupt', /tensor w .* reaches past the end of its storage 0/);
  });

  it('a .ckpt storage entry shorter than the elements the pickle gives it is truncated', () => {
    const path = zipOf('short-storage.ckpt', tensorPickle({ numel: 4, offset: 0, shape: [4], stride: [1] }), { 0: new Uint8Array(12) });
    expectCode(path, 'checkpoint_truncated', /storage 0 holds 12 bytes/);
  });

  it('a .ckpt tensor with a negative stride is refused', () => {
    const path = zipOf('neg-stride.ckpt', tensorPickle({ numel: 4, offset: 3, shape: [4], stride: [-1] }), { 0: new Uint8Array(16) });
    expectCode(path, 'checkpoint_corrupt', /negative size or stride/);
  });
});
