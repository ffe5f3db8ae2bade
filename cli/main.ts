#!/usr/bin/env node
/**
 * The `memspike` command. Each sub-command lives in cli/commands/<name>.ts, exports
 * `register(program)` and is listed in cli/commands/index.ts; only the module of the command being
 * run is loaded (the others are listed by name and summary for --help). Errors meant for the user (bad flags, bad files) are printed as one line
 * `memspike: <message>` with exit code 1 — never a bare stack trace; set MEMSPIKE_DEBUG=1 for one.
 */
import { Command, CommanderError } from 'commander';
import { MEMSPIKE_VERSION } from '../core/version.js';
import { COMMAND_SUMMARIES, COMMANDS, type CommandEntry } from './commands/index.js';

const program = new Command();
program
  .name('memspike')
  .description('Spiking neural networks with memristive synapses: LIF engine, devices, on-chip STDP, crossbar inference.')
  .version(MEMSPIKE_VERSION)
  // one line after an error, not the whole usage listing
  .showHelpAfterError('(see memspike --help, or memspike <command> --help)')
  .exitOverride();

// A reader that closes the pipe early (`memspike device list | head -1`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

/** The command named on the command line (`memspike help X` names X), or undefined. */
function requestedCommand(args: readonly string[]): CommandEntry | undefined {
  const positional = args.filter((a) => !a.startsWith('-'));
  const name = positional[0] === 'help' ? positional[1] : positional[0];
  return COMMANDS.find((c) => c.names.some((n) => n === name));
}

const requested = requestedCommand(process.argv.slice(2));
if (requested) {
  (await requested.load()).register(program);
} else {
  // --version, --help, no command or an unknown one: list the commands without loading them.
  for (const c of COMMANDS) for (const name of c.names) program.command(name).description(COMMAND_SUMMARIES[name]);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode;
  } else {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`memspike: ${msg}\n`);
    if (process.env['MEMSPIKE_DEBUG'] && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}
