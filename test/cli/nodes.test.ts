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
