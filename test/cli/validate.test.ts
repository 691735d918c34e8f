import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng } from '../../nodes/lib/png.ts';
import { createSandbox, link, repoRoot, runCli } from './fixtures/cli-harness.ts';

const sandbox = createSandbox();
afterAll(() => sandbox.remove());

const good = sandbox.workflow('good.json', {
  version: 1,
  nodes: { n: { type: 'Number' }, save: { type: 'WriteNumber', inputs: { value: link('n', 'value') } } },
});
const bad = sandbox.workflow('bad.json', {
  version: 1,
  nodes: {
    loop: { type: 'Add', inputs: { a: link('loop', 'sum') } },
    alien: { type: 'Spaceship' },
    add: { type: 'Add', inputs: { b: 1 } },
    n: { type: 'Number', inputs: { value: 5000 } },
    save: { type: 'WriteNumber', inputs: { value: link('n', 'value') } },
  },
});

describe('latentflow validate', () => {
  it('exits 0 for a valid workflow and 1 listing every problem of an invalid one', async () => {
    const [valid, invalid] = await Promise.all([
      runCli(['validate', good, '--plugins', sandbox.plugins]),
      runCli(['validate', bad, '--plugins', sandbox.plugins]),
    ]);
    expect(valid.code).toBe(0);
    expect(valid.stdout).toContain('good.json: valid');
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('bad.json: 4 problem(s)');
    expect(invalid.stdout).toContain('[unknown_node_type] Node "alien" has unknown type "Spaceship"');
    expect(invalid.stdout).toContain('[missing_input] Node "add" (Add), input "a"');
    expect(invalid.stdout).toContain('[out_of_range] Node "n" (Number), input "value": 5000 is above the maximum 1000');
    expect(invalid.stdout).toContain('[cycle] Nodes form a cycle: loop -> loop');
  });

  it('prints the issues as JSON with --json, and reports a file that is not JSON', async () => {
    const notJson = sandbox.workflow('broken.json', '{ "version": 1, ');
    const [json, broken, missing] = await Promise.all([
      runCli(['validate', bad, '--json', '--plugins', sandbox.plugins]),
      runCli(['validate', notJson, '--json']),
      runCli(['validate']),
    ]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { valid: boolean; issues: { code: string; nodeId?: string }[] };
    expect(report.valid).toBe(false);
    expect(report.issues.map((i) => [i.code, i.nodeId])).toEqual([
      ['unknown_node_type', 'alien'],
      ['missing_input', 'add'],
      ['out_of_range', 'n'],
      ['cycle', 'loop'],
    ]);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).issues[0]).toMatchObject({ code: 'invalid_workflow', message: expect.stringContaining('not valid JSON') });
    expect(missing.code).toBe(2);
  });

  it('reports JSON nested 5,000 levels deep as one coded problem, not a stack trace', async () => {
    const deep = sandbox.workflow('deep.json', `{"version":1,"nodes":{},"meta":{"x":${'['.repeat(5000)}1${']'.repeat(5000)}}}`);
    const result = await runCli(['validate', deep, '--json', '--plugins', sandbox.plugins]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ valid: false, issues: [{ code: 'json_too_deep', message: expect.stringContaining('nests deeper than 64 levels') }] });
  });

  it('converts ComfyUI API, UI and PNG files as `run` does, and lists what does not convert by its code and node', async () => {
    const comfy = (name: string) => readFileSync(join(repoRoot, 'test/compat/comfyui/fixtures', name), 'utf8');
    const api = sandbox.workflow('txt2img-api.json', comfy('txt2img-api.json'));
    const ui = sandbox.workflow('split-sampler-ui.json', comfy('split-sampler-ui.json'));
    const png = join(sandbox.dir, 'ComfyUI_00001_.png');
    writeFileSync(png, encodePng({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) }, { text: { prompt: comfy('txt2img-api.json') } }));
    const prompt = JSON.parse(comfy('txt2img-api.json')) as Record<string, { class_type: string }>;
    prompt['4'].class_type = 'StyleModelLoader';
    const unmapped = sandbox.workflow('unmapped-api.json', prompt);
    const results = await Promise.all([api, ui, png, unmapped].map((file) => runCli(['validate', file, '--json'])));
    expect(results.map((result) => result.code)).toEqual([0, 0, 0, 1]);
    expect(JSON.parse(results[0].stdout)).toEqual({ valid: true, issues: [] });
    expect(JSON.parse(results[3].stdout).issues).toEqual([
      expect.objectContaining({ code: 'comfy_unmapped_class', nodeId: '4', classType: 'StyleModelLoader' }),
    ]);
  }, 60_000);
});
