import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PYTHON_UNICODE_VERSION } from '../../../models/tokenizer/python-case.ts';
import { pythonLower } from '../../../models/tokenizer/python-lower.ts';

describe('pythonLower (str.lower of the reference Python)', () => {
  it('lowercases ASCII and other scripts like Python', () => {
    expect(pythonLower('Hello WORLD 123')).toBe('hello world 123');
    expect(pythonLower('ÀÉÎ ДОМ İ')).toBe('àéî дом i\u0307');
  });

  it('turns a word-final capital sigma into ς and any other into σ', () => {
    expect(pythonLower('ΟΔΥΣΣΕΥΣ')).toBe('οδυσσευς');
    expect(pythonLower('Σ ΑΣ.')).toBe('σ ας.');
  });

  it('skips case-ignorable characters on both sides of a sigma', () => {
    expect(pythonLower("AΣ'")).toBe("aς'");
    expect(pythonLower("AΣ'B")).toBe("aσ'b");
    expect(pythonLower('A\u0301ΣB')).toBe('a\u0301σb');
  });

  it(`uses the case properties of Unicode ${PYTHON_UNICODE_VERSION}, not the JS engine's`, () => {
    // U+0295 is a cased Ll letter in Unicode 14 (JS engines with newer data class it Lo).
    expect(pythonLower('SΣ\u0295')).toBe('sσ\u0295');
    // U+1C89 and U+A7CB were added after Unicode 14: Python 3.11 leaves them alone.
    expect(pythonLower('\u1c89\ua7cb')).toBe('\u1c89\ua7cb');
  });
});

const root = join(import.meta.dirname, '../../..');
const pythonUnicode = spawnSync('python3', ['-c', 'import unicodedata; print(unicodedata.unidata_version)'], { encoding: 'utf8' });

it.skipIf(pythonUnicode.status !== 0 || pythonUnicode.stdout.trim() !== PYTHON_UNICODE_VERSION)(
  'python-case.ts is what its generator reads off a Python with the same Unicode version',
  () => {
    const check = spawnSync('python3', ['tools/tokenizer-reference/gen_python_case.py', '--check'], { cwd: root, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  },
);
