import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox, link, repoRoot, runCli } from './fixtures/cli-harness.ts';

const sandbox = createSandbox();
afterAll(() => sandbox.remove());

const sumWorkflow = sandbox.workflow('sum.json', {
  version: 1,
  nodes: {
    n: { type: 'Number', inputs: { value: 2 } },
    save: { type: 'WriteNumber', inputs: { value: link('n', 'value'), prefix: 'sum' } },
  },
});

const STACK_LINE = /^\s+at /m;

describe('latentflow run refuses bad arguments before anything runs', () => {
  it('exits 2 naming an --out folder that cannot be created (a /proc path), instead of spinning', async () => {
    const result = await runCli(['run', sumWorkflow, '--plugins', sandbox.plugins, '--out', '/proc/nope', '--events', 'ndjson']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('/proc/nope');
    expect(result.stdout).toBe('');
  });

  it('exits 2 without a stack trace when --out runs through a file', async () => {
    const file = join(sandbox.dir, 'a-file.txt');
    writeFileSync(file, 'not a folder');
    const result = await runCli(['run', sumWorkflow, '--plugins', sandbox.plugins, '--out', join(file, 'sub'), '--events', 'ndjson']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file} is a file, not a folder`);
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('exits 2 for an unknown --backend, listing the known ones, with no event and no output folder', async () => {
    const out = join(sandbox.dir, 'never-made');
    const result = await runCli(['run', sumWorkflow, '--plugins', sandbox.plugins, '--out', out, '--backend', 'nosuch', '--events', 'ndjson']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown backend "nosuch"; this machine knows: cpu/);
    expect(result.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('exits 2 saying a folder given as the workflow is a folder', async () => {
    const folder = join(sandbox.dir, 'workflow-folder');
    mkdirSync(folder);
    for (const command of ['run', 'validate']) {
      const result = await runCli([command, folder, '--plugins', sandbox.plugins]);
      expect(result.code, command).toBe(2);
      expect(result.stderr, command).toContain(`${folder} is a folder, not a workflow file`);
      expect(result.stderr, command).not.toContain('EISDIR');
    }
  });
});

describe('other commands given a folder that cannot be created', () => {
  it('serve exits 2 naming --data under /proc instead of spinning', async () => {
    const result = await runCli(['serve', '--data', '/proc/latentflow-nope', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--data: cannot create the folder /proc/latentflow-nope');
  });
});

describe('latentflow output into a pipe that closes early', () => {
  it('stops writing quietly when the reader goes away (| head), with no EPIPE stack', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/latentflow.js'), 'schedule', '--steps', '1000'], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });
});
