import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCli } from './fixtures/cli-harness.ts';

describe('latentflow dispatcher', () => {
  it('prints help with the commands and documented exit codes', async () => {
    const [help, flag, none, unknown, commandHelp] = await Promise.all([
      runCli(['help']),
      runCli(['--help']),
      runCli([]),
      runCli(['paint']),
      runCli(['help', 'run']),
    ]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/run\s+run a workflow file/);
    expect(help.stdout).toMatch(/130\s+interrupted/);
    expect(flag.stdout).toBe(help.stdout);
    expect([none.code, unknown.code]).toEqual([2, 2]);
    expect(none.stderr).toContain('missing command');
    expect(unknown.stderr).toContain('unknown command "paint"');
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toContain('--set <nodeId>.<input>=<value>');
  });

  it('has a dispatcher entry for every command file in cli/', async () => {
    const helpers = new Set(['main', 'args', 'progress', 'ndjson', 'registry', 'workflow-file']);
    const commands = readdirSync(join(repoRoot, 'cli'))
      .filter((file) => file.endsWith('.ts') && !helpers.has(file.slice(0, -3)))
      .map((file) => file.slice(0, -3));
    const help = await runCli(['help']);
    for (const command of commands) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\s`, 'm'));
  });
});
