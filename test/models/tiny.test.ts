import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTinyModels } from '../../models/tiny.ts';
import { TINY_SD15_CONFIG } from '../../models/sd15/index.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'latentflow-tiny-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const snapshot = (root: string) =>
  new Map(
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => [relative(root, join(entry.parentPath, entry.name)), readFileSync(join(entry.parentPath, entry.name))]),
  );

function expectSameFiles(a: Map<string, Buffer>, b: Map<string, Buffer>) {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [file, bytes] of a) expect(bytes.equals(b.get(file)!), file).toBe(true);
}

describe('ensureTinyModels', () => {
  it('writes data/models/tiny at the tiny config, and the same bytes every time', async () => {
    const first = await ensureTinyModels(join(dir, 'a'));
    const second = await ensureTinyModels(join(dir, 'b'));
    expect(first).toBe(join(dir, 'a', 'models', 'tiny'));
    const index = JSON.parse(readFileSync(join(first, 'model_index.json'), 'utf8'));
    expect(index.config).toEqual(TINY_SD15_CONFIG);
    expect(index.source).toMatchObject({ generator: 'latentflow-synthetic', unetWeights: 'float' });
    const files = snapshot(first);
    expect([...files.keys()]).toEqual(expect.arrayContaining(['unet/model.onnx', 'unet/model.onnx.data', 'tokenizer/vocab.json']));
    expectSameFiles(files, snapshot(second));
  });

  it('is a quick no-op when the models are there, and shares one generation between concurrent callers', async () => {
    const target = join(dir, 'a', 'models', 'tiny');
    const before = snapshot(target);
    const started = Date.now();
    await ensureTinyModels(join(dir, 'a'));
    expect(Date.now() - started).toBeLessThan(200);
    expectSameFiles(before, snapshot(target));

    const [x, y] = [ensureTinyModels(join(dir, 'c')), ensureTinyModels(join(dir, 'c'))];
    expect(x).toBe(y);
    await x;
  });

  it('two processes generating at once both succeed and leave one complete folder', async () => {
    const data = join(dir, 'racing');
    const script = `import { ensureTinyModels } from ${JSON.stringify(new URL('../../models/tiny.ts', import.meta.url).href)};
      console.log(await ensureTinyModels(${JSON.stringify(data)}));`;
    const child = () => run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script]);
    const results = await Promise.all([child(), child()]);
    for (const { stdout } of results) expect(stdout.trim()).toBe(join(data, 'models', 'tiny'));
    expect(readdirSync(join(data, 'models'))).toEqual(['tiny']);
    expectSameFiles(snapshot(join(data, 'models', 'tiny')), snapshot(join(dir, 'a', 'models', 'tiny')));
  });
});
