import { describe, expect, it, vi } from 'vitest';
import { defineCommand, EXIT, parseCommandArgs, parseSetOptions, UsageError, withUsage } from '../../cli/args.ts';

describe('CLI arguments', () => {
  it('parses --set values as JSON when they parse, else as text', () => {
    expect(parseSetOptions(['unet.seed=7', 'unet.cfg=7.5', 'a.flag=true', 'p.text=a red fox', 'p.quoted="7"', 'x.list=[1,2]', 'e.empty=', 'k.eq=a=b'])).toEqual({
      'unet.seed': 7,
      'unet.cfg': 7.5,
      'a.flag': true,
      'p.text': 'a red fox',
      'p.quoted': '7',
      'x.list': [1, 2],
      'e.empty': '',
      'k.eq': 'a=b',
    });
    expect(() => parseSetOptions(['=3'])).toThrow(UsageError);
    expect(() => parseSetOptions(['novalue'])).toThrow('--set expects <nodeId>.<input>=<value>, got "novalue"');
  });

  it('turns unknown options into usage errors', () => {
    expect(parseCommandArgs(['file.json', '--json'], { json: { type: 'boolean' } })).toMatchObject({ values: { json: true }, positionals: ['file.json'] });
    expect(() => parseCommandArgs(['--colour'], { json: { type: 'boolean' } })).toThrow(UsageError);
  });

  it('exits 2 with the usage for usage errors and lets other errors through', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await withUsage('usage: x', async () => { throw new UsageError('bad'); })).toBe(EXIT.usage);
      expect(write).toHaveBeenCalledWith('error: bad\n\nusage: x\n');
      await expect(withUsage('usage: x', async () => { throw new Error('crash'); })).rejects.toThrow('crash');
      expect(await withUsage('usage: x', async () => EXIT.ok)).toBe(0);
    } finally {
      write.mockRestore();
    }
  });

  it('defineCommand answers --help with the usage, refuses positionals it does not take, and passes parsed options to run', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const runs: unknown[] = [];
      const command = defineCommand({
        usage: 'usage: x [--n <n>]',
        options: { n: { type: 'string', default: '1' } },
        async run({ values, positionals }) {
          runs.push({ n: values.n, positionals });
          return EXIT.failed;
        },
      });
      expect(await command(['-h'])).toBe(EXIT.ok);
      expect(out).toHaveBeenCalledWith('usage: x [--n <n>]\n');
      expect(await command(['extra'])).toBe(EXIT.usage);
      expect(err).toHaveBeenCalledWith('error: unexpected argument "extra"\n\nusage: x [--n <n>]\n');
      expect(await command(['--n', '3'])).toBe(EXIT.failed);
      expect(runs).toEqual([{ n: '3', positionals: [] }]);

      const withFiles = defineCommand({ usage: 'usage: y <file>', options: {}, positionals: true, run: async ({ positionals }) => positionals.length });
      expect(await withFiles(['a.json', 'b.json'])).toBe(2);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});
