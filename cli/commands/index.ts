/**
 * The sub-commands: name and the module that registers it. main.ts imports only the module of the
 * command being run (a command's module pulls in the engine, rxjs and the rest), so
 * `memspike --version` and `memspike --help` start without loading the library. To add a command,
 * add its summary to summaries.ts and a row here; its module exports `register(program)` and takes
 * its `.description()` from summaryOf.
 */
import type { Command } from 'commander';
import { COMMAND_SUMMARIES, type CommandName } from './summaries.js';

export interface CommandEntry {
  /** The commands the module registers (`train.ts` registers train and experiment). */
  readonly names: readonly CommandName[];
  readonly load: () => Promise<{ register(program: Command): void }>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { names: ['demo'], load: () => import('./demo.js') },
  { names: ['train', 'experiment'], load: () => import('./train.js') },
  { names: ['eval'], load: () => import('./eval.js') },
  { names: ['device'], load: () => import('./device.js') },
  { names: ['view'], load: () => import('./view.js') },
  { names: ['bench'], load: () => import('./bench.js') },
  { names: ['plot'], load: () => import('./plot.js') },
  { names: ['paper'], load: () => import('./paper.js') },
  { names: ['sweep'], load: () => import('./sweep.js') },
  { names: ['worker'], load: () => import('./worker.js') },
];

export { COMMAND_SUMMARIES };
