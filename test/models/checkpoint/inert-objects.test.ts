import { describe, expect, it } from 'vitest';
import { readTorchPickle } from '../../../models/checkpoint/torch-pickle.ts';
import { InertObject } from '../../../models/checkpoint/inert-objects.ts';

// What CPython 3 with numpy 2.4 writes for pickle.dumps({'s': numpy.float64(1.5), 'st': {1, 2}, 'd': <the dtype>}, protocol=2).
const NUMPY_PICKLE = Buffer.from(
  '\x80\x02}q\x00(X\x01\x00\x00\x00sq\x01cnumpy._core.multiarray\nscalar\nq\x02cnumpy\ndtype\nq\x03X\x02\x00\x00\x00f8q\x04\x89\x88\x87q\x05Rq\x06' +
    '(K\x03X\x01\x00\x00\x00<q\x07NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tq\x08bc_codecs\nencode\nq\tX\t\x00\x00\x00\x00\x00\x00\x00\x00\x00\xc3\xb8?q\n' +
    'X\x06\x00\x00\x00latin1q\x0b\x86q\x0cRq\r\x86q\x0eRq\x0fX\x02\x00\x00\x00stq\x10c__builtin__\nset\nq\x11]q\x12(K\x01K\x02e\x85q\x13Rq\x14' +
    'X\x01\x00\x00\x00dq\x15h\x06u.',
  'latin1',
);

describe('what real checkpoints pickle beside tensors becomes inert data', () => {
  it('a numpy scalar (through _codecs.encode), a numpy dtype and a __builtin__.set, as CPython writes them', () => {
    const root = readTorchPickle(NUMPY_PICKLE, 'numpy.ckpt').value as Map<string, unknown>;
    const scalar = root.get('s') as InertObject;
    expect(scalar).toBeInstanceOf(InertObject);
    expect(scalar.className).toBe('numpy._core.multiarray.scalar');
    const [dtype, bytes] = scalar.args as [InertObject, Uint8Array];
    expect(dtype.className).toBe('numpy.dtype');
    expect(dtype.args).toEqual(['f8', false, true]);
    expect(dtype.state).toEqual([3, '<', null, null, null, -1, -1, 0]);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getFloat64(0, true)).toBe(1.5);
    expect(root.get('st')).toEqual([1, 2]);
    expect(root.get('d')).toBe(dtype);
  });

  it('anything outside the allowed classes is still refused by name', () => {
    const pickle = Buffer.from('\x80\x02cnumpy\nload\nq\x00.', 'latin1');
    expect(() => readTorchPickle(pickle, 'numpy-load.ckpt')).toThrow(expect.objectContaining({ code: 'pickle_forbidden_global', message: expect.stringContaining('"numpy.load"') }));
  });
});
