import { ensureTinyModels } from '../models/tiny.ts';
import { defineCommand, EXIT } from './args.ts';

const USAGE = `usage: latentflow tiny-models [--data <dir>]

Writes the tiny random-weight test models to <data>/models/tiny when they are missing.
  --data <dir>  the data folder (default ./data)`;

export const main = defineCommand({
  usage: USAGE,
  options: { data: { type: 'string', default: 'data' } },
  async run({ values }) {
    const dir = await ensureTinyModels(values.data);
    process.stdout.write(`tiny models ready in ${dir}\n`);
    return EXIT.ok;
  },
});
