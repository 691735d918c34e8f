import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpoint, syntheticTensors, writeCkpt, writeSafetensors, type ModelFileCode } from '../../../models/checkpoint/index.ts';
import { ZipWriter } from '../../../models/checkpoint/zip-writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'latentflow-bad-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function zipWithPickle(name: string, pickle: number[] | string): string {
  const path = join(dir, name);
  const zip = new ZipWriter(path);
  zip.add('archive/data.pkl', [typeof pickle === 'string' ? Buffer.from(pickle, 'latin1') : Uint8Array.from(pickle)]);
  zip.finish();
  return path;
}

function expectCode(path: string, code: ModelFileCode, message?: RegExp) {
  let thrown: unknown;
  try {
    openCheckpoint(path).close();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `opening ${path}`).toMatchObject({ code, path });
  if (message) expect((thrown as Error).message).toMatch(message);
}

describe('checkpoints that must be refused', () => {
  it('a pickle naming os.system is refused by name, before anything is called', () => {
    // protocol 2: GLOBAL os.system, ('ls',), REDUCE
    const path = zipWithPickle('os-system.ckpt', '\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.');
    expectCode(path, 'pickle_forbidden_global', /"os\.system"/);
  });

  it('a protocol 4 pickle reaching builtins.eval through STACK_GLOBAL is refused by name', () => {
    const path = zipWithPickle(
      'eval.ckpt',
      '\x80\x04\x8c\x08builtins\x94\x8c\x04eval\x94\x93\x94\x8c\x031+1\x94\x85\x94R\x94.',
    );
    expectCode(path, 'pickle_forbidden_global', /"builtins\.eval"/);
  });

  it('a forbidden global hidden inside an otherwise valid state dict is still refused', () => {
    const pickle = '\x80\x02}q\x00X\x01\x00\x00\x00aq\x01csubprocess\nPopen\nq\x02s.';
    expectCode(zipWithPickle('popen.ckpt', pickle), 'pickle_forbidden_global', /subprocess\.Popen/);
  });

  it('a pickle with no tensors has no state dict', () => {
    expectCode(zipWithPickle('empty.ckpt', '\x80\x02}q\x00.'), 'checkpoint_no_state_dict');
  });

  it('an opcode outside what a state dict uses is reported, not guessed', () => {
    expectCode(zipWithPickle('inst.ckpt', '\x80\x02(ios\nsystem\n.'), 'checkpoint_unsupported', /opcode 0x69/);
  });

  it('a file that is neither zip nor safetensors', () => {
    const path = join(dir, 'text.ckpt');
    writeFileSync(path, 'hello, this is not a checkpoint at all');
    expectCode(path, 'checkpoint_unknown_format');
  });

  it('a legacy (pre-zip) torch file that ends after its magic number is truncated', () => {
    const path = join(dir, 'legacy.ckpt');
    writeFileSync(path, Buffer.from('\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19.', 'latin1'));
    expectCode(path, 'checkpoint_truncated');
  });

  it('a file that starts with a pickle but not with the torch magic number is damaged', () => {
    const path = join(dir, 'plain-pickle.ckpt');
    writeFileSync(path, Buffer.from('\x80\x02}q\x00.', 'latin1'));
    expectCode(path, 'checkpoint_corrupt', /magic number/);
  });

  it('big-endian tensor data is refused rather than misread', () => {
    const path = join(dir, 'big-endian.ckpt');
    const zip = new ZipWriter(path);
    zip.add('archive/data.pkl', [Buffer.from('\x80\x02}q\x00.', 'latin1')]);
    zip.add('archive/byteorder', [Buffer.from('big')]);
    zip.finish();
    expectCode(path, 'checkpoint_unsupported', /big-endian/);
  });

  it('a missing file, or a folder where the file should be', () => {
    expectCode(join(dir, 'nope.ckpt'), 'checkpoint_not_found');
    expectCode(dir, 'checkpoint_not_found');
  });

  it('a .ckpt cut short (its zip directory is gone)', () => {
    const path = join(dir, 'whole.ckpt');
    writeCkpt(path, syntheticTensors([['w', [64, 64]]]));
    const whole = readFileSync(path);
    writeFileSync(join(dir, 'cut.ckpt'), whole.subarray(0, whole.length - 200));
    expectCode(join(dir, 'cut.ckpt'), 'checkpoint_truncated');
  });

  it('a .safetensors cut short is truncated, with the tensor named', () => {
    const path = join(dir, 'whole.safetensors');
    writeSafetensors(path, syntheticTensors([['first', [4]], ['last.weight', [64, 64]]]));
    const whole = readFileSync(path);
    writeFileSync(join(dir, 'cut.safetensors'), whole.subarray(0, whole.length - 100));
    expectCode(join(dir, 'cut.safetensors'), 'checkpoint_truncated', /last\.weight/);
    writeFileSync(join(dir, 'header-cut.safetensors'), whole.subarray(0, 40));
    expectCode(join(dir, 'header-cut.safetensors'), 'checkpoint_truncated');
  });

  it('a .safetensors whose header is not JSON is damaged', () => {
    const path = join(dir, 'garbled.safetensors');
    const header = Buffer.from('{"w": {"dtype": "F32", "shape": [1], "data_off');
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(header.length));
    writeFileSync(path, Buffer.concat([prefix, header, Buffer.alloc(4)]));
    expectCode(path, 'checkpoint_corrupt', /JSON/);
  });
});
