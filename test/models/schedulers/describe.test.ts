import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { samplerTable, scheduleTable } from '../../../models/schedulers/index.ts';

it('docs/samplers.md carries the sampler and schedule tables generated from the descriptors', () => {
  const doc = readFileSync(path.join(import.meta.dirname, '../../../docs/samplers.md'), 'utf8');
  expect(doc).toContain(`<!-- generated from SAMPLER_DESCRIPTORS by samplerTable() -->\n${samplerTable()}\n<!-- end generated -->`);
  expect(doc).toContain(`<!-- generated from SPACINGS by scheduleTable() -->\n${scheduleTable()}\n<!-- end generated -->`);
});
