/**
 * Sub-commands other than `bench` (which is in bench.ts). Add a module's `register` here.
 */
import type { Command } from 'commander';
import { register as registerDevice } from './device.js';
import { register as registerTrain } from './train.js';
import { register as registerEval } from './eval.js';
import { register as registerView } from './view.js';

export const COMMAND_MODULES: ReadonlyArray<(program: Command) => void> = [registerTrain, registerEval, registerDevice, registerView];
