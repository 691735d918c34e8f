import { parseArgs, type ParseArgsConfig } from 'node:util';
import { makeDirectory } from '../runtime/index.ts';

/** A mistake in how the command was called; commands exit 2 for it. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses options strictly; unknown options and missing values become UsageErrors. */
export function parseCommandArgs<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/** `--set node.input=value`: the value is JSON when it parses as JSON, else the raw text. */
export function parseSetOptions(sets: string[]): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const set of sets) {
    const equals = set.indexOf('=');
    if (equals <= 0) throw new UsageError(`--set expects <nodeId>.<input>=<value>, got "${set}"`);
    const raw = set.slice(equals + 1);
    overrides[set.slice(0, equals)] = parseJsonOrText(raw);
  }
  return overrides;
}

function parseJsonOrText(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Creates the folder an option names (with its parents); one that cannot be created is a usage error naming the option. */
export function createFolder(option: string, dir: string): void {
  try {
    makeDirectory(dir);
  } catch (error) {
    throw new UsageError(`${option}: cannot create the folder ${dir}: ${(error as Error).message}`, { cause: error });
  }
}

/** Runs a command body, turning usage errors into exit code 2 with a hint. */
export async function withUsage(usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${usage}\n`);
    return EXIT.usage;
  }
}

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

type ParsedArgs<O extends Options> = ReturnType<typeof parseCommandArgs<O & typeof HELP_OPTION>>;

export interface CommandSpec<O extends Options> {
  usage: string;
  /** The command's own options; `--help`/`-h` is added to every command. */
  options: O;
  /** Whether the command takes positional arguments; when it does not, any is a usage error. */
  positionals?: boolean;
  run(args: ParsedArgs<O>): Promise<number>;
}

/**
 * A command's `main`: parses its options strictly, answers `--help` with its usage,
 * and turns usage errors into exit code 2.
 */
export function defineCommand<O extends Options>(spec: CommandSpec<O>): (args: string[]) => Promise<number> {
  return (args) =>
    withUsage(spec.usage, async () => {
      const parsed = parseCommandArgs(args, { ...spec.options, ...HELP_OPTION });
      // Generic options leave parseArgs' value type unresolved here; `help` is always declared.
      if ((parsed.values as { help?: boolean }).help) {
        process.stdout.write(`${spec.usage}\n`);
        return EXIT.ok;
      }
      if (!spec.positionals && parsed.positionals.length > 0) {
        throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
      }
      return spec.run(parsed);
    });
}
