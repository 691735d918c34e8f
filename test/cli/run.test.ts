import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox, link, parseNdjson, runCli } from './fixtures/cli-harness.ts';

const sandbox = createSandbox();
afterAll(() => sandbox.remove());

const sumWorkflow = sandbox.workflow('sum.json', {
  version: 1,
  nodes: {
    n: { type: 'Number', inputs: { value: 2 } },
    add: { type: 'Add', inputs: { a: link('n', 'value'), b: 3 } },
    save: { type: 'WriteNumber', inputs: { value: link('add', 'sum'), prefix: 'sum' } },
  },
});

describe('latentflow run', () => {
  it('runs a workflow with --set overrides and prints one JSON event per line with --events ndjson', async () => {
    const out = join(sandbox.dir, 'set-out');
    const result = await runCli([
      'run', sumWorkflow, '--plugins', sandbox.plugins, '--out', out, '--backend', 'cpu', '--events', 'ndjson',
      '--set', 'add.b=40', '--set', 'save.prefix=answer 42',
    ]);
    expect(result.code).toBe(0);
    const events = parseNdjson(result.stdout);
    expect(events.map((e) => e.type)).toEqual([
      'run_started', 'node_started', 'node_finished', 'node_started', 'node_finished', 'node_started', 'node_finished', 'run_finished',
    ]);
    expect(events.at(-1)).toMatchObject({ outputs: { save: { file: 'answer 42.txt', value: 42, backend: 'cpu' } } });
    expect(readFileSync(join(out, 'answer 42.txt'), 'utf8')).toBe('42');
  });

  it('sends preview metadata, not bytes, in ndjson', async () => {
    const slow = sandbox.workflow('preview.json', {
      version: 1,
      nodes: {
        n: { type: 'Number' },
        slow: { type: 'Slow', inputs: { x: link('n', 'value'), steps: 2, delayMs: 1 } },
        save: { type: 'WriteNumber', inputs: { value: link('slow', 'value'), prefix: 'preview' } },
      },
    });
    const result = await runCli(['run', slow, '--plugins', sandbox.plugins, '--out', sandbox.out, '--events', 'ndjson']);
    expect(result.code).toBe(0);
    const previews = parseNdjson(result.stdout).filter((e) => e.type === 'node_preview');
    expect(previews.map((e) => e.preview)).toEqual([
      { kind: 'latent', shape: [1, 8], step: 1, bytes: 32 },
      { kind: 'latent', shape: [1, 8], step: 2, bytes: 32 },
    ]);
  });

  it('shows plain progress lines when stdout is not a terminal', async () => {
    const result = await runCli(['run', sumWorkflow, '--plugins', sandbox.plugins, '--out', sandbox.out]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('running 3 node(s)');
    expect(result.stdout).toMatch(/\[1\/3\] n \(Number\) started/);
    expect(result.stdout).toMatch(/\[3\/3\] save \(WriteNumber\) done in \d+\.\d\ds/);
    expect(result.stdout).toContain('save: {"file":"sum.txt","value":5,"backend":"cpu"}');
    expect(result.stdout).not.toContain('\x1b[');
  });

  it('exits 1 with the node at fault when a node fails', async () => {
    const failing = sandbox.workflow('fail.json', {
      version: 1,
      nodes: {
        n: { type: 'Number' },
        bad: { type: 'Fail', inputs: { x: link('n', 'value') } },
        save: { type: 'WriteNumber', inputs: { value: link('bad', 'value') } },
      },
    });
    const result = await runCli(['run', failing, '--plugins', sandbox.plugins, '--out', sandbox.out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('run failed [node_failed]: Node "bad" (Fail) failed: this node always fails');
  });

  it('exits 1 and lists the problems of an invalid workflow before running anything', async () => {
    const invalid = sandbox.workflow('invalid.json', { version: 1, nodes: { n: { type: 'Number', inputs: { value: -1 } } } });
    const result = await runCli(['run', invalid, '--plugins', sandbox.plugins, '--events', 'ndjson']);
    expect(result.code).toBe(1);
    const events = parseNdjson(result.stdout);
    expect(events.map((e) => e.type)).toEqual(['run_failed']);
    expect((events[0].error as { issues: { code: string }[] }).issues.map((i) => i.code)).toEqual(['out_of_range', 'no_output']);
  });

  it('exits 2 for usage errors', async () => {
    const cases = [
      ['run'],
      ['run', join(sandbox.dir, 'missing.json')],
      ['run', sumWorkflow, '--colour'],
      ['run', sumWorkflow, '--events', 'xml'],
      ['run', sumWorkflow, '--set', 'no-equals-sign'],
      ['run', sumWorkflow, '--set', 'ghost.value=1', '--plugins', sandbox.plugins],
      ['run', sumWorkflow, sumWorkflow],
    ];
    const results = await Promise.all(cases.map((args) => runCli(args)));
    expect(results.map((r) => r.code)).toEqual(cases.map(() => 2));
    expect(results[1].stderr).toContain('workflow file not found');
    expect(results[5].stderr).toContain('the workflow has no node "ghost"');
    expect(results[0].stderr).toContain('usage: latentflow run');
  });

  it('stops at the next check on SIGINT, exits 130 and leaves no output file', async () => {
    const slow = sandbox.workflow('slow.json', {
      version: 1,
      nodes: {
        n: { type: 'Number' },
        slow: { type: 'Slow', inputs: { x: link('n', 'value'), steps: 500, delayMs: 20 } },
        save: { type: 'WriteNumber', inputs: { value: link('slow', 'value'), prefix: 'interrupted' } },
      },
    });
    const out = join(sandbox.dir, 'sigint-out');
    let sent = false;
    const result = await runCli(['run', slow, '--plugins', sandbox.plugins, '--out', out, '--events', 'ndjson'], (stdout, child) => {
      if (!sent && stdout.includes('"node_progress"')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    expect(result.code).toBe(130);
    const events = parseNdjson(result.stdout);
    expect(events.at(-1)?.type).toBe('run_cancelled');
    expect(events.filter((e) => e.type === 'node_progress').length).toBeLessThan(100);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
