import { ensureTinyModels } from '../models/tiny.ts';
import { EXIT, parseCommandArgs, UsageError, withUsage } from './args.ts';

const USAGE = `usage: latentflow tiny-models [--data <dir>]

Writes the tiny random-weight test models to <data>/models/tiny when they are missing.
  --data <dir>  the data folder (default ./data)`;

export async function main(args: string[]): Promise<number> {
  return withUsage(USAGE, async () => {
    const { values, positionals } = parseCommandArgs(args, {
      data: { type: 'string', default: 'data' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const dir = await ensureTinyModels(values.data);
    process.stdout.write(`tiny models ready in ${dir}\n`);
    return EXIT.ok;
  });
}
