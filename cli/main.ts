import { EXIT } from './args.ts';

interface Command {
  summary: string;
  load: () => Promise<{ main(args: string[]): Promise<number> }>;
}

/** Each command lives in its own file and is imported only when it is called. */
const COMMANDS: Record<string, Command> = {
  run: { summary: 'run a workflow file', load: () => import('./run.ts') },
  validate: { summary: 'list every problem in a workflow file', load: () => import('./validate.ts') },
  import: { summary: 'convert a ComfyUI workflow (JSON or PNG) into a latentflow workflow', load: () => import('./import.ts') },
  export: { summary: 'write a workflow in ComfyUI\'s API format (--format comfy-api)', load: () => import('./export.ts') },
  nodes: { summary: 'list the available node types', load: () => import('./nodes.ts') },
  serve: { summary: 'start the web editor and HTTP/WebSocket API', load: () => import('./serve.ts') },
  worker: { summary: 'take runs from a server\'s Redis queue (scale-out)', load: () => import('./worker.ts') },
  convert: { summary: 'convert a .ckpt/.safetensors checkpoint to ONNX model files', load: () => import('./convert.ts') },
  'tiny-models': { summary: 'generate the tiny test models (data/models/tiny)', load: () => import('./tiny-models.ts') },
  tokenize: { summary: 'show the CLIP token ids of a prompt', load: () => import('./tokenize.ts') },
  schedule: { summary: 'show the timesteps and sigmas of a sampler schedule', load: () => import('./schedule.ts') },
};

const HELP = `latentflow — node-graph workflows for Stable Diffusion 1.5

usage: latentflow <command> [options]    (latentflow help <command> for its options)

commands:
${[...Object.entries(COMMANDS), ['help', { summary: "show this help, or a command's options" }] as const]
  .map(([name, command]) => `  ${name.padEnd(14)}${command.summary}`)
  .join('\n')}

exit codes:
  0    success
  1    invalid workflow or failed run
  2    usage error (unknown command or option, missing file)
  130  interrupted (Ctrl-C); the run stops at its next check and writes no partial output`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === 'help' && args[0] !== undefined && Object.hasOwn(COMMANDS, args[0])) {
    return (await COMMANDS[args[0]].load()).main(['--help']);
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(`${HELP}\n`);
    return EXIT.ok;
  }
  const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    process.stderr.write(`${name === undefined ? 'missing command' : `unknown command "${name}"`}\n\n${HELP}\n`);
    return EXIT.usage;
  }
  return (await command.load()).main(args);
}

// A reader that stops early (`latentflow schedule | head`) closes the pipe: drop the rest of the
// output, as Unix tools do, and let the command finish (a run still writes its images whole).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.stdout.write = () => true;
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = EXIT.failed;
}
