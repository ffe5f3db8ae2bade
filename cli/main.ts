#!/usr/bin/env node
/**
 * The `memspike` command. Each sub-command lives in cli/commands/<name>.ts and exports
 * `register(program)`. Errors meant for the user (bad flags, bad files) are printed as one line
 * `memspike: <message>` with exit code 1 — never a bare stack trace; set MEMSPIKE_DEBUG=1 for one.
 */
import { Command, CommanderError } from 'commander';
import { MEMSPIKE_VERSION } from '../core/version.js';
import { register as registerBench } from './commands/bench.js';
import { COMMAND_MODULES } from './commands/index.js';

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

registerBench(program);
for (const register of COMMAND_MODULES) register(program);

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
