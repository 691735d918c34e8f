import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ClipTokenizer } from '../../../models/tokenizer/index.ts';

/** Expectations from an independent Python port (tools/tokenizer-reference/reference.py, `regex` module). */
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures/reference-ids.json'), 'utf8')) as {
  cases: [string, number[]][];
};

it(`matches the Python reference on all ${fixture.cases.length} generated prompts`, async () => {
  const tokenizer = await ClipTokenizer.load(join(import.meta.dirname, '../../../data'));
  const mismatches = fixture.cases
    .filter(([prompt, ids]) => tokenizer.encode(prompt).join(' ') !== ids.join(' '))
    .map(([prompt]) => prompt);
  expect(mismatches).toEqual([]);
  expect(fixture.cases.length).toBeGreaterThan(2000);
});
