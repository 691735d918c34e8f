import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSandbox, runCli } from './fixtures/cli-harness.ts';

const sandbox = createSandbox();
afterAll(() => sandbox.remove());

describe('latentflow nodes', () => {
  it('lists node types with their inputs, and describes them as JSON with --json', async () => {
    const [plain, json, extra] = await Promise.all([
      runCli(['nodes', '--plugins', sandbox.plugins]),
      runCli(['nodes', '--json', '--plugins', sandbox.plugins]),
      runCli(['nodes', 'extra']),
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('cli-test\n');
    expect(plain.stdout).toContain('  WriteNumber [output] — Write number (cli-test)');
    expect(plain.stdout).toContain('in:  value: INT, prefix: string = "number"');
    expect(plain.stdout).toContain('in:  value: int = 1 [0..1000]');
    expect(plain.stdout).toContain('out: sum: INT');
    expect(json.code).toBe(0);
    const described = JSON.parse(json.stdout) as { type: string; plugin: string; inputs: unknown[] }[];
    const add = described.find((d) => d.type === 'Add');
    expect(add).toMatchObject({ plugin: 'cli-test', inputs: [{ name: 'a', kind: 'socket', type: 'INT' }, { name: 'b', kind: 'int', default: 0 }] });
    expect(extra.code).toBe(2);
  });
});

describe('a plugin outside the repository', () => {
  it("loads when it imports the runtime API as 'latentflow', as a package folder or a single .mts file", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'latentflow-outside-plugins-'));
    const source = (name: string, type: string) => `import { defineNode, definePlugin, output, string } from 'latentflow';
export default definePlugin({ name: '${name}', version: '1.0.0', runtime: '^1', dependencies: ['latentflow-builtin'], nodes: [
  defineNode({ type: '${type}', displayName: '${type}', category: 'outside', description: 'Greets',
    inputs: { name: string({ default: 'you' }) }, outputs: { text: output('STRING') }, execute: async ({ name }) => ({ text: 'hello ' + name }) }),
] });
`;
    try {
      mkdirSync(join(dir, 'greeter'));
      writeFileSync(join(dir, 'greeter', 'package.json'), JSON.stringify({ name: 'greeter', type: 'module', main: 'index.ts' }));
      writeFileSync(join(dir, 'greeter', 'index.ts'), source('greeter', 'Greet'));
      writeFileSync(join(dir, 'single.mts'), source('single', 'GreetToo'));
      const result = await runCli(['nodes', '--json', '--plugins', dir]);
      expect(result.stderr).toBe('');
      const described = JSON.parse(result.stdout) as { type: string; plugin: string }[];
      expect(described.filter((d) => d.plugin !== 'latentflow-builtin').map((d) => [d.plugin, d.type])).toEqual([
        ['greeter', 'Greet'],
        ['single', 'GreetToo'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
